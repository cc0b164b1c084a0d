import { job } from './validate-text.js';

export const G = 'job "web" > group "g"';
export const T = 'job "web" > group "g" > task "t"';

function service(body: string): string {
  return `    service {\n${body}\n    }`;
}
const httpCheck = (extra = '') =>
  `      check {\n        type = "http"\n        port = "http"\n        interval = "10s"\n        timeout = "2s"\n${extra}\n      }`;

export interface RuleCase {
  kind: string;
  name: string;
  text: string;
  expected: string;
  /** Changing the job so the rule holds makes the error go away. */
  fixed: string;
}

/** One job per rule that breaks it, and the same job changed so that it holds. */
export const ruleCases: RuleCase[] = [
  {
    kind: 'atLeastOneChild',
    name: 'a job without groups',
    text: 'job "web" {\n  type = "batch"\n}\n',
    expected:
      'job "web": job needs at least one group (or a job-level task) — Nomad would reject this job (nomad/structs/structs.go Job.Validate "Missing job task groups"; rule job-has-group)',
    fixed:
      'job "web" {\n  type = "batch"\n  task "t" {\n    driver = "exec"\n    config {\n      command = "true"\n    }\n  }\n}\n',
  },
  {
    kind: 'atLeastOneChild',
    name: 'a group without tasks',
    text: 'job "web" {\n  group "g" {\n    count = 1\n  }\n}\n',
    expected: `${G}: group needs at least one task`,
    fixed: `job "web" {\n  group "g" {\n${service('      connect {\n        gateway {\n          ingress {}\n        }\n      }')}\n  }\n}\n`,
  },
  {
    kind: 'requiredWhen',
    name: 'an http check without path',
    text: job({ group: service(httpCheck()) }),
    expected: `${G} > service > check: http checks need path (missing "path") — Nomad would reject this job (nomad/structs/services.go validateCommon; rule check-http-path)`,
    fixed: job({ group: service(httpCheck('        path = "/health"')) }),
  },
  {
    kind: 'requiredWhen',
    name: 'a script change_mode without change_script block',
    text: job({
      task: '      template {\n        data = "x"\n        destination = "local/x"\n        change_mode = "script"\n      }',
    }),
    expected: `${T} > template: change_script block required when change_mode = "script" (missing "change_script")`,
    fixed: job({
      task: '      template {\n        data = "x"\n        destination = "local/x"\n        change_mode = "script"\n        change_script {\n          command = "/bin/reload"\n        }\n      }',
    }),
  },
  {
    kind: 'enumWhenParent',
    name: 'a grpc check on a nomad service',
    text: job({
      group: service(
        '      provider = "nomad"\n      port = "http"\n      check {\n        type = "grpc"\n        interval = "10s"\n        timeout = "2s"\n      }',
      ),
    }),
    expected: `${G} > service > check: provider = "nomad" services only support http and tcp checks (type = "grpc")`,
    fixed: job({
      group: service(
        '      port = "http"\n      check {\n        type = "grpc"\n        interval = "10s"\n        timeout = "2s"\n      }',
      ),
    }),
  },
  {
    kind: 'forbiddenWhen',
    name: 'connect on a nomad service',
    text: job({
      group: service(
        '      provider = "nomad"\n      port = "http"\n      connect {\n        native = true\n      }',
      ),
    }),
    expected: `${G} > service: provider = "nomad" services cannot include connect (provider = "nomad" with a "connect" block)`,
    fixed: job({
      group: service('      port = "http"\n      connect {\n        native = true\n      }'),
    }),
  },
  {
    kind: 'oneOfRequired',
    name: 'a template without source or data',
    text: job({ task: '      template {\n        destination = "local/x"\n      }' }),
    expected: `${T} > template: template needs source or data — Nomad would reject this job (nomad/structs/structs.go Template.Validate; rule template-source-or-data)`,
    fixed: job({
      task: '      template {\n        source = "local/x.tpl"\n        destination = "local/x"\n      }',
    }),
  },
  {
    kind: 'exactlyOneOf',
    name: 'periodic with both cron and crons',
    text: job({
      job: '  type = "batch"\n  periodic {\n    cron = "@daily"\n    crons = ["@hourly"]\n  }',
    }),
    expected:
      'job "web" > periodic: periodic needs exactly one of cron / crons (cron and crons set)',
    fixed: job({ job: '  type = "batch"\n  periodic {\n    enabled = false\n  }' }),
  },
  {
    kind: 'jobTypes',
    name: 'periodic in a service job',
    text: job({ job: '  periodic {\n    cron = "@daily"\n  }' }),
    expected:
      'job "web" > periodic: periodic only for batch/sysbatch jobs (job type is "service") — Nomad would reject this job (nomad/structs/structs.go Job.Validate; rule periodic-batch)',
    fixed: job({ job: '  type = "sysbatch"\n  periodic {\n    cron = "@daily"\n  }' }),
  },
  {
    kind: 'jobTypes',
    name: 'affinity in a system job',
    text: job({
      job: '  type = "system"',
      task: '      affinity {\n        attribute = "${node.class}"\n        value = "big"\n      }',
    }),
    expected: `${T} > affinity: system jobs may not have affinity (job type is "system")`,
    fixed: job({
      job: '  type = "batch"',
      task: '      affinity {\n        attribute = "${node.class}"\n        value = "big"\n      }',
    }),
  },
  {
    kind: 'maxWhenJobType',
    name: 'a system group with count 2',
    text: job({ job: '  type = "system"', group: '    count = 2' }),
    expected: `${G}: system job groups cannot have count > 1 (count = 2)`,
    fixed: job({ job: '  type = "system"', group: '    count = 1' }),
  },
  {
    kind: 'reference',
    name: 'a volume_mount of an undeclared volume',
    text: job({
      group: '    volume "data" {\n      type = "host"\n      source = "data"\n    }',
      task: '      volume_mount {\n        volume = "dta"\n        destination = "/data"\n      }',
    }),
    expected: `${T} > volume_mount: volume_mount.volume must name a volume declared in the group (volume = "dta"; declared: "data")`,
    fixed: job({
      group: '    volume "data" {\n      type = "host"\n      source = "data"\n    }',
      task: '      volume_mount {\n        volume = "data"\n        destination = "/data"\n      }',
    }),
  },
  {
    kind: 'mutuallyExclusive',
    name: 'cpu and cores',
    text: job({ task: '      resources {\n        cpu = 100\n        cores = 1\n      }' }),
    expected: `${T} > resources: only one of cpu / cores (cpu and cores are both set)`,
    fixed: job({ task: '      resources {\n        cores = 1\n      }' }),
  },
  {
    kind: 'custom',
    name: 'a constraint without attribute',
    text: job({ job: '  constraint {\n    value = "linux"\n  }' }),
    expected:
      'job "web" > constraint: constraint needs "attribute" (operator "=") — attribute required unless distinct_hosts',
    fixed: job({ job: '  constraint {\n    distinct_hosts = true\n  }' }),
  },
  {
    kind: 'custom',
    name: 'a comparison without value',
    text: job({
      job: '  constraint {\n    attribute = "${attr.os.name}"\n    operator = "!="\n  }',
    }),
    expected: 'job "web" > constraint: operator "!=" needs a "value"',
    fixed: job({
      job: '  constraint {\n    attribute = "${attr.os.name}"\n    operator = "is_set"\n  }',
    }),
  },
  {
    kind: 'custom',
    name: 'is_set with a value',
    text: job({
      job: '  constraint {\n    attribute = "${meta.x}"\n    operator = "is_set"\n    value = "1"\n  }',
    }),
    expected: 'job "web" > constraint: operator "is_set" takes no "value"',
    fixed: job({ job: '  constraint {\n    attribute = "${meta.x}"\n    set_contains = "a"\n  }' }),
  },
  {
    kind: 'custom',
    name: 'distinct_property in a task constraint',
    text: job({ task: '      constraint {\n        distinct_property = "${meta.rack}"\n      }' }),
    expected: `${T} > constraint: "distinct_property" is not allowed in task constraints`,
    fixed: job({ group: '    constraint {\n      distinct_property = "${meta.rack}"\n    }' }),
  },
  {
    kind: 'custom',
    name: 'an affinity with weight 0',
    text: job({
      group:
        '    affinity {\n      attribute = "${node.class}"\n      value = "big"\n      weight = 0\n    }',
    }),
    expected: `${G} > affinity: affinity "weight" must not be 0 — attribute required; weight != 0 — Nomad would reject this job (nomad/structs/structs.go Affinity.Validate; rule affinity-weight)`,
    fixed: job({
      group:
        '    affinity {\n      attribute = "${node.class}"\n      value = "big"\n      weight = -10\n    }',
    }),
  },
  {
    kind: 'custom',
    name: 'a task scaling block with a bad label',
    text: job({ task: '      scaling "disk" {\n        max = 10\n      }' }),
    expected: `${T} > scaling "disk": label "disk" must be one of "cpu", "mem" — task scaling label must be "cpu" or "mem" — Nomad would not parse this`,
    fixed: job({ task: '      scaling "mem" {\n        max = 1024\n      }' }),
  },
  {
    kind: 'custom',
    name: 'a task scaling type that does not match its label',
    text: job({
      task: '      scaling "cpu" {\n        max = 10\n        type = "vertical_mem"\n      }',
    }),
    expected: `${T} > scaling "cpu": "type" must be "vertical_cpu" for label "cpu", got "vertical_mem"`,
    fixed: job({
      task: '      scaling "cpu" {\n        max = 10\n        type = "vertical_cpu"\n      }',
    }),
  },
  {
    kind: 'custom',
    name: 'two tasks with one name',
    text: job({
      group:
        '    task "t" {\n      driver = "exec"\n      config {\n        command = "true"\n      }\n    }',
    }),
    expected: `${G}: task "t" is defined more than once — group names unique per job`,
    fixed: job({
      group:
        '    task "u" {\n      driver = "exec"\n      config {\n        command = "true"\n      }\n    }',
    }),
  },
  {
    kind: 'custom',
    name: 'a port label used in two networks',
    text: job({
      group:
        '    network {\n      port "http" {}\n    }\n    network {\n      port "db" {}\n      reserved_ports "http" {\n        static = 8080\n      }\n    }',
    }),
    expected: `${G}: port label "http" is used more than once`,
    fixed: job({
      group: '    network {\n      port "http" {}\n    }\n    network {\n      port "db" {}\n    }',
    }),
  },
  {
    kind: 'custom',
    name: 'a job-level task named like a group',
    text: job({
      job: '  task "g" {\n    driver = "exec"\n    config {\n      command = "true"\n    }\n  }',
    }),
    expected: 'job "web": group "g" is defined more than once',
    fixed: job({
      job: '  task "h" {\n    driver = "exec"\n    config {\n      command = "true"\n    }\n  }',
    }),
  },
];
