# Rendered by prenv from prenv.yml and nomad/periodic-job.nomad.hcl.hbs. Do not edit.
job "leap-production-cleanup-media" {
  type = "batch"

  meta {
    prenv_project = "leap"
    prenv_env     = "production"
    prenv_sha     = "3f2c9a1"
  }

  periodic {
    crons            = ["0 3 * * *"]
    time_zone        = "UTC"
    prohibit_overlap = true
  }

  group "cleanup-media" {
    count = 1

    volume "media" {
      type      = "host"
      source    = "media"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "leap-production-server-1"
    }

    task "cleanup-media" {
      driver = "docker"

      config {
        image   = "alpine:3.20"
        command = "/bin/sh"
        args = [
          "-c",
          "find /app/media/user_*/video /app/media/user_*/audio -type f -mtime +7 -delete",
        ]
      }

      volume_mount {
        volume      = "media"
        destination = "/app/media"
        read_only   = false
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
