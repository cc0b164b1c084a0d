# Rendered by prenv from prenv.yml and nomad/periodic-job.nomad.hcl.hbs. Do not edit.
job "quetrex-production-backup" {
  type = "batch"

  meta {
    prenv_project = "quetrex"
    prenv_env     = "production"
    prenv_sha     = "3f2c9a1"
  }

  periodic {
    crons            = ["0 3 * * *"]
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
      value     = "quetrex-production-server-1"
    }

    task "backup" {
      driver = "docker"

      config {
        image   = "postgres:16-alpine"
        command = "/bin/sh"
        args = [
          "-c",
          "pg_dump \"$DATABASE_URL\" | gzip > \"/backups/quetrex-$(date +%Y%m%d).sql.gz\" && find /backups -name 'quetrex-*.sql.gz' -mtime +30 -delete",
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
        POSTGRES_PASSWORD='{{ key "quetrex/production/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "quetrex-production-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "quetrex/production/POSTGRES_PASSWORD" }}
        DATABASE_URL='{{ print "postgresql://quetrex:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/quetrex" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
