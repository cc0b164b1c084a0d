# Rendered by prenv from prenv.yml and nomad/backup-job.nomad.hcl.hbs. Do not edit.
job "quetrex-production-backup-db" {
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

  group "backup-db" {
    count = 1

    restart {
      attempts = 2
      delay    = "1m"
      mode     = "fail"
    }

    task "dump" {
      driver = "docker"

      lifecycle {
        hook    = "prestart"
        sidecar = false
      }

      config {
        image   = "postgres:16-alpine"
        command = "/bin/sh"
        args = [
          "-c",
          "set -eu\nexport PGHOST=\"$${PGADDR%:*}\" PGPORT=\"$${PGADDR##*:}\"\nout=\"$${NOMAD_ALLOC_DIR:?}/data/$${BACKUP_NAME:?}.dump\"\npg_dump --format=custom --no-owner --no-privileges --file=\"$out.partial\"\nmv \"$out.partial\" \"$out\"\necho \"dumped $PGDATABASE to $out ($(wc -c < \"$out\") bytes)\"",
        ]
      }

      env {
        BACKUP_NAME = "db"
        PGDATABASE  = "quetrex"
        PGUSER      = "quetrex"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        POSTGRES_PASSWORD='{{ key "quetrex/production/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "quetrex-production-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "quetrex/production/POSTGRES_PASSWORD" }}
        PGADDR='{{ print $service_postgres | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        PGPASSWORD='{{ print $secret_POSTGRES_PASSWORD | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
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

    task "upload" {
      driver = "docker"

      config {
        image   = "rclone/rclone:1.68"
        entrypoint = [
          "/bin/sh",
        ]
        command = "-c"
        args = [
          "set -eu\nfile=\"$${NOMAD_ALLOC_DIR:?}/data/$${BACKUP_NAME:?}.dump\"\ntest -s \"$file\"\nremote=\":s3:$${BACKUP_BUCKET:?}/$${BACKUP_PREFIX}\"\nobject=\"$${BACKUP_NAME}-$(date -u +%Y%m%dT%H%M%SZ).dump\"\nrclone copyto --s3-no-check-bucket \"$file\" \"$remote$object\"\necho \"uploaded $remote$object\"\nrclone delete --max-depth 1 --min-age \"$${BACKUP_RETENTION:?}\" --include \"$${BACKUP_NAME}-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.dump\" \"$remote\"",
        ]
      }

      env {
        BACKUP_BUCKET      = "quetrex-backups"
        BACKUP_NAME        = "db"
        BACKUP_PREFIX      = "quetrex/production/"
        BACKUP_RETENTION   = "30d"
        RCLONE_S3_ENDPOINT = "https://fsn1.your-objectstorage.com"
        RCLONE_S3_PROVIDER = "Other"
        RCLONE_S3_REGION   = "us-east-1"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        BACKUP_S3_ACCESS_KEY_ID='{{ key "quetrex/production/BACKUP_S3_ACCESS_KEY_ID" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        BACKUP_S3_SECRET_ACCESS_KEY='{{ key "quetrex/production/BACKUP_S3_SECRET_ACCESS_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $secret_BACKUP_S3_ACCESS_KEY_ID := key "quetrex/production/BACKUP_S3_ACCESS_KEY_ID" }}
        {{ $secret_BACKUP_S3_SECRET_ACCESS_KEY := key "quetrex/production/BACKUP_S3_SECRET_ACCESS_KEY" }}
        RCLONE_S3_ACCESS_KEY_ID='{{ print $secret_BACKUP_S3_ACCESS_KEY_ID | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        RCLONE_S3_SECRET_ACCESS_KEY='{{ print $secret_BACKUP_S3_SECRET_ACCESS_KEY | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/BACKUP_S3_ACCESS_KEY_ID"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/BACKUP_S3_ACCESS_KEY_ID\" }}"
      }

      template {
        destination = "secrets/BACKUP_S3_SECRET_ACCESS_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"quetrex/production/BACKUP_S3_SECRET_ACCESS_KEY\" }}"
      }

      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
