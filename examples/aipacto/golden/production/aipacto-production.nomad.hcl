# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "aipacto-production" {
  type = "service"

  meta {
    prenv_project = "aipacto"
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

  group "server" {
    count = 3

    network {
      port "app" {
        to = 3000
      }
    }

    meta {
      prenv_sha = "3f2c9a1"
    }

    service {
      name     = "aipacto-production-server"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "server" {
      driver = "docker"

      config {
        image = "developeraipacto/aipacto-server:3f2c9a1"
        ports = ["app"]
      }

      env {
        NODE_ENV = "production"
        PORT     = "3000"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        DATABASE_URL='{{ key "aipacto/production/DATABASE_URL" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        JWT_SECRET='{{ key "aipacto/production/JWT_SECRET" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/DATABASE_URL"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"aipacto/production/DATABASE_URL\" }}"
      }

      template {
        destination = "secrets/JWT_SECRET"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"aipacto/production/JWT_SECRET\" }}"
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }

  group "web" {
    count = 3

    network {
      port "app" {
        to = 80
      }
    }

    meta {
      prenv_sha = "3f2c9a1"
    }

    service {
      name     = "aipacto-production-web"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "web" {
      driver = "docker"

      config {
        image = "developeraipacto/aipacto-web:3f2c9a1"
        ports = ["app"]
      }

      resources {
        cpu    = 200
        memory = 128
      }
    }
  }
}
