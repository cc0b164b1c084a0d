/** A job in the shape prenv renders for one PR environment. */
export function previewJobHcl(opts: { pr: number; count?: number; image?: string }): string {
  return `job "pr-${opts.pr}-web" {
  node_pool   = "previews"
  datacenters = ["dc1"]

  constraint {
    attribute = "\${meta.pr}"
    value     = "${opts.pr}"
  }

  update {
    max_parallel     = 1
    min_healthy_time = "10s"
    healthy_deadline = "3m"
  }

  group "web" {
    count = ${opts.count ?? 1}

    network {
      port "http" {
        to = 3000
      }
    }

    service {
      name     = "pr-${opts.pr}-web"
      port     = "http"
      provider = "consul"

      check {
        type     = "http"
        path     = "/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "server" {
      driver = "docker"

      config {
        image = "${opts.image ?? 'example/web:3f2c9a1'}"
        ports = ["http"]
      }

      template {
        data        = "DATABASE_URL={{ key \\"app/pr-${opts.pr}/DATABASE_URL\\" }}"
        destination = "secrets/app.env"
        env         = true
      }

      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
`;
}
