# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "quetrex-pr-7" {
  type = "service"

  node_pool = "previews"

  constraint {
    attribute = "${meta.pr}"
    value     = "7"
  }

  meta {
    prenv_project = "quetrex"
    prenv_env     = "pr-7"
    prenv_pr      = "7"
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

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "quetrex-pr-7-postgres"
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
        POSTGRES_PASSWORD='{{ key "quetrex/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 1000
        memory = 2048
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

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "quetrex-pr-7-redis"
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
        cpu    = 250
        memory = 512
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
      prenv_sha    = "3f2c9a1"
      prenv_branch = "feature/login"
      prenv_title  = "Add the login page"
    }

    service {
      name     = "quetrex-pr-7-web"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/api/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "web" {
      driver = "docker"

      config {
        image = "ghcr.io/quetrex/quetrex:3f2c9a1"
        ports = ["app"]
      }

      env {
        NEXTAUTH_URL = "https://pr-7.pr.quetrex.app"
        NODE_ENV     = "production"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        HETZNER_REFERRAL_URL='{{ key "quetrex/previews/HETZNER_REFERRAL_URL" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        NEXTAUTH_SECRET='{{ key "quetrex/previews/NEXTAUTH_SECRET" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        POSTGRES_PASSWORD='{{ key "quetrex/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        STRIPE_SECRET_KEY='{{ key "quetrex/previews/STRIPE_SECRET_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        STRIPE_WEBHOOK_SECRET='{{ key "quetrex/previews/STRIPE_WEBHOOK_SECRET" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "quetrex-pr-7-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "quetrex-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "quetrex/previews/POSTGRES_PASSWORD" }}
        DATABASE_URL='{{ print "postgresql://quetrex:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/quetrex" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        REDIS_URL='{{ print "redis://" $service_redis | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/HETZNER_REFERRAL_URL"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/HETZNER_REFERRAL_URL\" }}"
      }

      template {
        destination = "secrets/NEXTAUTH_SECRET"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/NEXTAUTH_SECRET\" }}"
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/POSTGRES_PASSWORD\" }}"
      }

      template {
        destination = "secrets/STRIPE_SECRET_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/STRIPE_SECRET_KEY\" }}"
      }

      template {
        destination = "secrets/STRIPE_WEBHOOK_SECRET"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/previews/STRIPE_WEBHOOK_SECRET\" }}"
      }

      resources {
        cpu    = 1000
        memory = 2048
      }
    }
  }
}
