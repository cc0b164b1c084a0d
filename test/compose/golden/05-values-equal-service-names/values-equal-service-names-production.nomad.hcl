# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "values-equal-service-names-production" {
  type = "service"

  meta {
    prenv_project = "values-equal-service-names"
    prenv_env     = "production"
  }

  update {
    max_parallel      = 1
    canary            = 1
    auto_promote      = true
    auto_revert       = true
    health_check      = "checks"
    min_healthy_time  = "10s"
    healthy_deadline  = "5m"
    progress_deadline = "10m"
  }

  group "postgres" {
    count = 1

    network {
      port "app" {
        to = 5432
      }
    }

    service {
      name     = "values-equal-service-names-production-postgres"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "postgres" {
      driver = "docker"

      config {
        image = "postgres:16"
        ports = ["app"]
      }

      env {
        POSTGRES_DB   = "tracker"
        POSTGRES_USER = "postgres"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        POSTGRES_PASSWORD='{{ key "values-equal-service-names/production/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"values-equal-service-names/production/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "redis" {
    count = 1

    network {
      port "app" {
        to = 6379
      }
    }

    service {
      name     = "values-equal-service-names-production-redis"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "redis" {
      driver = "docker"

      config {
        image = "redis:7"
        ports = ["app"]
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "uploader" {
    count = 1

    task "uploader" {
      driver = "docker"

      config {
        image = "example/redis/uploader:1"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "web" {
    count = 1

    network {
      port "app" {
        to = 3000
      }
    }

    service {
      name     = "values-equal-service-names-production-web"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "web" {
      driver = "docker"

      config {
        image = "example/tracker:2"
        ports = ["app"]
      }

      env {
        TEAM_NAME = "postgres"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        DATABASE_URL_PASSWORD='{{ key "values-equal-service-names/production/DATABASE_URL_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "values-equal-service-names-production-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $servicehost_redis := "" }}{{ $serviceport_redis := "" }}{{ with service "values-equal-service-names-production-redis" }}{{ with index . 0 }}{{ $servicehost_redis = .Address }}{{ $serviceport_redis = printf "%d" .Port }}{{ end }}{{ end }}
        {{ $secret_DATABASE_URL_PASSWORD := key "values-equal-service-names/production/DATABASE_URL_PASSWORD" }}
        CACHE_HOST='{{ print $servicehost_redis | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        CACHE_PORT='{{ print $serviceport_redis | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        DATABASE_URL='{{ print "postgres://tracker:" $secret_DATABASE_URL_PASSWORD "@" $service_postgres "/tracker" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/DATABASE_URL_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"values-equal-service-names/production/DATABASE_URL_PASSWORD\" }}"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
