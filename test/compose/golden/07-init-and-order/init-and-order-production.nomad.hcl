# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "init-and-order-production" {
  type = "service"

  meta {
    prenv_project = "init-and-order"
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
      name     = "init-and-order-production-app"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "migrate" {
      driver = "docker"

      lifecycle {
        hook    = "prestart"
        sidecar = false
      }

      config {
        image   = "example/ledger:9"
        command = "ledger"
        args = [
          "migrate",
        ]
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }

    task "app" {
      driver = "docker"

      config {
        image = "example/ledger:9"
        ports = ["app"]
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

    service {
      name     = "init-and-order-production-db"
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
        memory = 256
      }
    }
  }
}
