# Rendered by prenv from prenv.yml and nomad/service-job.nomad.hcl.hbs. Do not edit.
job "leap-pr-7" {
  type = "service"

  node_pool = "previews"

  constraint {
    attribute = "${meta.pr}"
    value     = "7"
  }

  meta {
    prenv_project = "leap"
    prenv_env     = "pr-7"
    prenv_pr      = "7"
  }

  group "api" {
    count = 1

    network {
      port "app" {
        to = 8000
      }
    }

    volume "media" {
      type      = "host"
      source    = "media"
      read_only = false
    }

    meta {
      prenv_sha    = "3f2c9a1"
      prenv_branch = "feature/login"
      prenv_title  = "Add the login page"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "leap-pr-7-api"
      port     = "app"
      provider = "consul"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "api" {
      driver = "docker"

      config {
        image   = "ghcr.io/leap-platform/leap:3f2c9a1"
        ports   = ["app"]
        command = "uvicorn"
        args = [
          "api.main:app",
          "--host",
          "0.0.0.0",
          "--port",
          "8000",
          "--workers",
          "2",
          "--log-level",
          "info",
          "--access-log",
          "--limit-concurrency",
          "50",
          "--timeout-keep-alive",
          "30",
        ]
      }

      env {
        MEDIA_ROOT = "/app/media"
        PUBLIC_URL = "https://pr-7.pr.leap.example.com"
      }

      volume_mount {
        volume      = "media"
        destination = "/app/media"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        OPENAI_API_KEY='{{ key "leap/previews/OPENAI_API_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        POSTGRES_PASSWORD='{{ key "leap/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "leap-pr-7-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "leap-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "leap/previews/POSTGRES_PASSWORD" }}
        CELERY_BROKER_URL='{{ print "redis://" $service_redis "/0" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        DATABASE_URL='{{ print "postgresql://postgres:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/leap_platform" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/OPENAI_API_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/OPENAI_API_KEY\" }}"
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 1000
        memory = 1024
      }
    }
  }

  group "beat" {
    count = 1

    meta {
      prenv_sha    = "3f2c9a1"
      prenv_branch = "feature/login"
      prenv_title  = "Add the login page"
    }

    task "beat" {
      driver = "docker"

      config {
        image   = "ghcr.io/leap-platform/leap:3f2c9a1"
        command = "celery"
        args = [
          "-A",
          "api.celery_app",
          "beat",
          "--loglevel=info",
        ]
      }

      env {
        MEDIA_ROOT = "/app/media"
        PUBLIC_URL = "https://pr-7.pr.leap.example.com"
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        OPENAI_API_KEY='{{ key "leap/previews/OPENAI_API_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        POSTGRES_PASSWORD='{{ key "leap/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "leap-pr-7-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "leap-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "leap/previews/POSTGRES_PASSWORD" }}
        CELERY_BROKER_URL='{{ print "redis://" $service_redis "/0" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        DATABASE_URL='{{ print "postgresql://postgres:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/leap_platform" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/OPENAI_API_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/OPENAI_API_KEY\" }}"
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 500
        memory = 256
      }
    }
  }

  group "flower" {
    count = 1

    network {
      port "app" {
        to = 5555
      }
    }

    service {
      name     = "leap-pr-7-flower"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "flower" {
      driver = "docker"

      config {
        image   = "mher/flower:2.0"
        ports   = ["app"]
        command = "celery"
        args = [
          "flower",
          "--url_prefix=flower",
        ]
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        FLOWER_BASIC_AUTH='{{ key "leap/previews/FLOWER_BASIC_AUTH" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_redis := "" }}{{ with service "leap-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        CELERY_BROKER_URL='{{ print "redis://" $service_redis "/0" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/FLOWER_BASIC_AUTH"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/FLOWER_BASIC_AUTH\" }}"
      }

      resources {
        cpu    = 500
        memory = 256
      }
    }
  }

  group "postgres" {
    count = 1

    network {
      port "app" {
        to = 5432
      }
    }

    volume "postgres-data" {
      type      = "host"
      source    = "postgres-data"
      read_only = false
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "leap-pr-7-postgres"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "postgres" {
      driver = "docker"

      config {
        image   = "postgres:15-alpine"
        ports   = ["app"]
        command = "postgres"
        args = [
          "-c",
          "shared_buffers=1GB",
          "-c",
          "effective_cache_size=3GB",
          "-c",
          "work_mem=16MB",
          "-c",
          "maintenance_work_mem=256MB",
          "-c",
          "max_connections=100",
          "-c",
          "random_page_cost=1.1",
          "-c",
          "effective_io_concurrency=200",
          "-c",
          "log_min_duration_statement=1000",
        ]
      }

      env {
        POSTGRES_DB   = "leap_platform"
        POSTGRES_USER = "postgres"
      }

      volume_mount {
        volume      = "postgres-data"
        destination = "/var/lib/postgresql/data"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        POSTGRES_PASSWORD='{{ key "leap/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 1000
        memory = 4096
      }
    }
  }

  group "redis" {
    count = 1

    network {
      port "app" {
        to = 6379
      }
    }

    volume "redis-data" {
      type      = "host"
      source    = "redis-data"
      read_only = false
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    service {
      name     = "leap-pr-7-redis"
      port     = "app"
      provider = "consul"

      check {
        type     = "tcp"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "redis" {
      driver = "docker"

      config {
        image   = "redis:7-alpine"
        ports   = ["app"]
        command = "redis-server"
        args = [
          "--maxmemory",
          "512mb",
          "--maxmemory-policy",
          "allkeys-lru",
          "--save",
          "900 1",
          "--save",
          "300 10",
          "--save",
          "60 10000",
          "--tcp-backlog",
          "511",
          "--timeout",
          "300",
        ]
      }

      volume_mount {
        volume      = "redis-data"
        destination = "/data"
        read_only   = false
      }

      resources {
        cpu    = 500
        memory = 640
      }
    }
  }

  group "worker-processing" {
    count = 1

    volume "media" {
      type      = "host"
      source    = "media"
      read_only = false
    }

    meta {
      prenv_sha    = "3f2c9a1"
      prenv_branch = "feature/login"
      prenv_title  = "Add the login page"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    task "worker-processing" {
      driver = "docker"

      config {
        image   = "ghcr.io/leap-platform/leap:3f2c9a1"
        command = "celery"
        args = [
          "-A",
          "api.celery_app",
          "worker",
          "--loglevel=info",
          "--queues=processing",
          "--concurrency=2",
          "--pool=prefork",
          "--max-tasks-per-child=5",
          "--time-limit=7200",
          "--soft-time-limit=6900",
        ]
      }

      env {
        MEDIA_ROOT = "/app/media"
        PUBLIC_URL = "https://pr-7.pr.leap.example.com"
      }

      volume_mount {
        volume      = "media"
        destination = "/app/media"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        OPENAI_API_KEY='{{ key "leap/previews/OPENAI_API_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        POSTGRES_PASSWORD='{{ key "leap/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "leap-pr-7-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "leap-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "leap/previews/POSTGRES_PASSWORD" }}
        CELERY_BROKER_URL='{{ print "redis://" $service_redis "/0" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        DATABASE_URL='{{ print "postgresql://postgres:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/leap_platform" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/OPENAI_API_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/OPENAI_API_KEY\" }}"
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 3000
        memory = 4096
      }
    }
  }

  group "worker-upload" {
    count = 1

    volume "media" {
      type      = "host"
      source    = "media"
      read_only = false
    }

    meta {
      prenv_sha    = "3f2c9a1"
      prenv_branch = "feature/login"
      prenv_title  = "Add the login page"
    }

    update {
      max_parallel = 1
      canary       = 0
      auto_promote = false
      auto_revert  = true
    }

    task "worker-upload" {
      driver = "docker"

      config {
        image   = "ghcr.io/leap-platform/leap:3f2c9a1"
        command = "celery"
        args = [
          "-A",
          "api.celery_app",
          "worker",
          "--loglevel=info",
          "--queues=upload",
          "--concurrency=4",
          "--pool=gevent",
          "--max-tasks-per-child=20",
          "--time-limit=3600",
        ]
      }

      env {
        MEDIA_ROOT = "/app/media"
        PUBLIC_URL = "https://pr-7.pr.leap.example.com"
      }

      volume_mount {
        volume      = "media"
        destination = "/app/media"
        read_only   = false
      }

      template {
        destination = "secrets/prenv.env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        OPENAI_API_KEY='{{ key "leap/previews/OPENAI_API_KEY" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        POSTGRES_PASSWORD='{{ key "leap/previews/POSTGRES_PASSWORD" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        {{ $service_postgres := "" }}{{ with service "leap-pr-7-postgres" }}{{ with index . 0 }}{{ $service_postgres = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $service_redis := "" }}{{ with service "leap-pr-7-redis" }}{{ with index . 0 }}{{ $service_redis = printf "%s:%d" .Address .Port }}{{ end }}{{ end }}
        {{ $secret_POSTGRES_PASSWORD := key "leap/previews/POSTGRES_PASSWORD" }}
        CELERY_BROKER_URL='{{ print "redis://" $service_redis "/0" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        DATABASE_URL='{{ print "postgresql://postgres:" $secret_POSTGRES_PASSWORD "@" $service_postgres "/leap_platform" | replaceAll "'" "'\"'\"'" | replaceAll "\n" "'\"\\n\"'" | replaceAll "\t" "'\"\\t\"'" }}'
        EOT
      }

      template {
        destination = "secrets/OPENAI_API_KEY"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/OPENAI_API_KEY\" }}"
      }

      template {
        destination = "secrets/POSTGRES_PASSWORD"
        perms       = "0444"
        change_mode = "restart"
        data        = "{{ key \"leap/previews/POSTGRES_PASSWORD\" }}"
      }

      resources {
        cpu    = 1000
        memory = 2048
      }
    }
  }
}
