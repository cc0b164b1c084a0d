# Rendered by prenv from prenv.yml and nomad/periodic-job.nomad.hcl.hbs. Do not edit.
job "leap-production-media-backup" {
  type = "batch"

  meta {
    prenv_project = "leap"
    prenv_env     = "production"
    prenv_sha     = "3f2c9a1"
  }

  periodic {
    crons            = ["0 3 * * 0"]
    time_zone        = "UTC"
    prohibit_overlap = true
  }

  group "media-backup" {
    count = 1

    volume "media" {
      type      = "host"
      source    = "media"
      read_only = true
    }

    volume "backups" {
      type      = "host"
      source    = "backups"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "leap-production-server-1"
    }

    task "media-backup" {
      driver = "docker"

      config {
        image   = "alpine:3.20"
        command = "/bin/sh"
        args = [
          "-c",
          "tar -czf \"/backups/media_$(date +%Y%m%d).tar.gz\" /app/media/user_*/transcriptions",
        ]
      }

      volume_mount {
        volume      = "media"
        destination = "/app/media"
        read_only   = true
      }

      volume_mount {
        volume      = "backups"
        destination = "/backups"
        read_only   = false
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
