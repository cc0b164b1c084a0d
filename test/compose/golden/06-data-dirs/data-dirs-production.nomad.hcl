# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "data-dirs-production" {
  type = "service"

  meta {
    prenv_project = "data-dirs"
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
      name     = "data-dirs-production-app"
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
        image = "example/docs:4"
        ports = ["app"]
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }

  group "cache" {
    count = 1

    network {
      port "app" {
        to = 6379
      }
    }

    volume "redis" {
      type      = "host"
      source    = "redis"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "data-dirs-production-server-1"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "data-dirs-production-cache"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "cache" {
      driver = "docker"

      config {
        image = "redis:7"
        ports = ["app"]
      }

      volume_mount {
        volume      = "redis"
        destination = "/data"
        read_only   = false
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

    volume "pg-data" {
      type      = "host"
      source    = "pg-data"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "data-dirs-production-server-1"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "data-dirs-production-db"
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
        image = "postgres:15"
        ports = ["app"]
      }

      volume_mount {
        volume      = "pg-data"
        destination = "/var/lib/postgresql/data"
        read_only   = false
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
