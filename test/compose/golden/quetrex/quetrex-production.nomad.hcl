# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "quetrex-production" {
  type = "service"

  meta {
    prenv_project = "quetrex"
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

    volume "postgres-data" {
      type      = "host"
      source    = "postgres-data"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "quetrex-production-server-1"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "quetrex-production-postgres"
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
        image = "postgres:16-alpine"
        ports = ["app"]
      }

      env {
        POSTGRES_DB   = "quetrex"
        POSTGRES_USER = "quetrex"
      }

      volume_mount {
        volume      = "postgres-data"
        destination = "/var/lib/postgresql/data"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        DB_PASSWORD='{{ key "quetrex/production/DB_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $secret_DB_PASSWORD := key "quetrex/production/DB_PASSWORD" }}
        POSTGRES_PASSWORD='{{ print $secret_DB_PASSWORD | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/DB_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/DB_PASSWORD\" }}"
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

    volume "redis-data" {
      type      = "host"
      source    = "redis-data"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "quetrex-production-server-1"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "quetrex-production-redis"
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
        image   = "redis:7-alpine"
        ports   = ["app"]
        command = "redis-server"
        args = [
          "--appendonly",
          "yes",
        ]
      }

      volume_mount {
        volume      = "redis-data"
        destination = "/data"
        read_only   = false
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

    meta {
      prenv_sha = "3f2c9a1"
    }

    service {
      name     = "quetrex-production-web"
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
        image = "quetrex/web:3f2c9a1"
        ports = ["app"]
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        DB_PASSWORD='{{ key "quetrex/production/DB_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        HETZNER_REFERRAL_URL='{{ key "quetrex/production/HETZNER_REFERRAL_URL" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        NEXTAUTH_SECRET='{{ key "quetrex/production/NEXTAUTH_SECRET" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        NEXTAUTH_URL='{{ key "quetrex/production/NEXTAUTH_URL" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        STRIPE_SECRET_KEY='{{ key "quetrex/production/STRIPE_SECRET_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        STRIPE_WEBHOOK_SECRET='{{ key "quetrex/production/STRIPE_WEBHOOK_SECRET" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "quetrex-production-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "quetrex-production-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_DB_PASSWORD := key "quetrex/production/DB_PASSWORD" }}
        DATABASE_URL='{{ print "postgresql://quetrex:" $secret_DB_PASSWORD "@" $service_postgres "/quetrex" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        REDIS_URL='{{ print "redis://" $service_redis | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/DB_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/DB_PASSWORD\" }}"
      }

      template {
        destination = "secrets/HETZNER_REFERRAL_URL"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/HETZNER_REFERRAL_URL\" }}"
      }

      template {
        destination = "secrets/NEXTAUTH_SECRET"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/NEXTAUTH_SECRET\" }}"
      }

      template {
        destination = "secrets/NEXTAUTH_URL"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/NEXTAUTH_URL\" }}"
      }

      template {
        destination = "secrets/STRIPE_SECRET_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/STRIPE_SECRET_KEY\" }}"
      }

      template {
        destination = "secrets/STRIPE_WEBHOOK_SECRET"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/STRIPE_WEBHOOK_SECRET\" }}"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
