# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "merge-keys-production" {
  type = "service"

  meta {
    prenv_project = "merge-keys"
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

  group "web" {
    count = 1

    network {
      port "app" {
        to = 8080
      }
    }

    service {
      name     = "merge-keys-production-web"
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
        image = "ghcr.io/example/shop:1.4.2"
        ports = ["app"]
      }

      env {
        LOG_LEVEL = "info"
        SHOP_MODE = "full"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "worker" {
    count = 1

    task "worker" {
      driver = "docker"

      config {
        image   = "ghcr.io/example/shop:1.4.2"
        command = "shop"
        args = [
          "worker",
        ]
      }

      env {
        LOG_LEVEL = "info"
        SHOP_MODE = "full"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
