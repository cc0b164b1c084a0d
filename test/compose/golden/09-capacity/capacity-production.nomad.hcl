# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "capacity-production" {
  type = "service"

  meta {
    prenv_project = "capacity"
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

  group "app" {
    count = 1

    network {
      port "app" {
        to = 8000
      }
    }

    service {
      name     = "capacity-production-app"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "app" {
      driver = "docker"

      config {
        image = "example/media:1"
        ports = ["app"]
      }

      resources {
        cpu    = 1500
        memory = 2048
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

    service {
      name     = "capacity-production-db"
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
        image = "postgres:16"
        ports = ["app"]
      }

      resources {
        cpu    = 100
        memory = 1024
      }
    }
  }

  group "worker" {
    count = 1

    task "worker" {
      driver = "docker"

      config {
        image   = "example/media:1"
        command = "media"
        args = [
          "worker",
        ]
      }

      resources {
        cpu    = 2000
        memory = 2048
      }
    }
  }
}
