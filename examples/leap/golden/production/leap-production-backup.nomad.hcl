# Rendered by prenv from prenv.yml and nomad/periodic-job.nomad.hcl.hbs. Do not edit.
job "leap-production-backup" {
  type = "batch"

  meta {
    prenv_project = "leap"
    prenv_env     = "production"
    prenv_sha     = "3f2c9a1"
  }

  periodic {
    crons            = ["0 2 * * *"]
    time_zone        = "UTC"
    prohibit_overlap = true
  }

  group "backup" {
    count = 1

    volume "backups" {
      type      = "host"
      source    = "backups"
      read_only = false
    }

    constraint {
      attribute = "${node.unique.name}"
      value     = "leap-production-server-1"
    }

    task "backup" {
      driver = "docker"

      config {
        image   = "postgres:15-alpine"
        command = "/bin/sh"
        args = [
          "-c",
          "pg_dump \"$DATABASE_URL\" | gzip > \"/backups/db_$(date +%Y%m%d).sql.gz\" && find /backups -name 'db_*.sql.gz' -mtime +7 -delete",
        ]
      }

      volume_mount {
        volume      = "backups"
        destination = "/backups"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        POSTGRES_PASSWORD='{{ key "leap/production/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "leap-production-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "leap/production/POSTGRES_PASSWORD" }}
        DATABASE_URL='{{ print "postgresql://postgres:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/leap_platform" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/production/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 100
        memory = 256
      }
    }
  }
}
