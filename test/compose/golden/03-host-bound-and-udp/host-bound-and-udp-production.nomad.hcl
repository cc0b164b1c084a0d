# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "host-bound-and-udp-production" {
  type = "service"

  meta {
    prenv_project = "host-bound-and-udp"
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
        to = 3000
      }
    }

    service {
      name     = "host-bound-and-udp-production-app"
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
        image = "example/notes:3"
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
      name     = "host-bound-and-udp-production-db"
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

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "dbadmin" {
    count = 1

    network {
      port "app" {
        to = 8080
      }
    }

    service {
      name     = "host-bound-and-udp-production-dbadmin"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "dbadmin" {
      driver = "docker"

      config {
        image = "example/dbadmin:5"
        ports = ["app"]
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "stun" {
    count = 1

    task "stun" {
      driver = "docker"

      config {
        image = "example/stun:1"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
