# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "interpolation-production" {
  type = "service"

  meta {
    prenv_project = "interpolation"
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
        to = 9000
      }
    }

    service {
      name     = "interpolation-production-api"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "api" {
      driver = "docker"

      config {
        image = "registry.example.com/team/api:2.0.1"
        ports = ["app"]
      }

      env {
        GREETING     = "costs $5 per month"
        MODE         = "standard"
        REGION       = "eu-central"
        SHELL_PROMPT = "$USER@$HOST $ "
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
