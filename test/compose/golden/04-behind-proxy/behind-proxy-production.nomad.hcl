# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "behind-proxy-production" {
  type = "service"

  meta {
    prenv_project = "behind-proxy"
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

  group "api" {
    count = 1

    network {
      port "app" {
        to = 8000
      }
    }

    service {
      name     = "behind-proxy-production-api"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "api" {
      driver = "docker"

      config {
        image = "example/board-api:7"
        ports = ["app"]
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        DB_PASSWORD='{{ key "behind-proxy/production/DB_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_db := "" }}{{ with service "behind-proxy-production-db" }}{{ with index . 0 }}{{ $service_db = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_DB_PASSWORD := key "behind-proxy/production/DB_PASSWORD" }}
        DB_URL='{{ print "postgresql://board:" $secret_DB_PASSWORD "@" $service_db "/board" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/DB_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"behind-proxy/production/DB_PASSWORD\" }}"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "db" {
    count = 1

    network {
      port "app" {
        to = 5432
      }
    }

    volume "dbdata" {
      type      = "host"
      source    = "dbdata"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "behind-proxy-production-server-1"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "behind-proxy-production-db"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "db" {
      driver = "docker"

      config {
        image = "postgres:16-alpine"
        ports = ["app"]
      }

      env {
        POSTGRES_DB   = "board"
        POSTGRES_USER = "board"
      }

      volume_mount {
        volume      = "dbdata"
        destination = "/var/lib/postgresql/data"
        read_only   = false
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "ui" {
    count = 1

    network {
      port "app" {
        to = 3000
      }
    }

    service {
      name     = "behind-proxy-production-ui"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "ui" {
      driver = "docker"

      config {
        image = "example/board-ui:7"
        ports = ["app"]
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
