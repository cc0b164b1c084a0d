/** The smallest valid prenv.yml: one routed service. Tests append or replace keys. */
export const MINIMAL_CONFIG = `project: shop
github: { owner: acme, repo: shop }
domain: shop.example.com
services:
  web:
    image: "acme/web:{{sha}}"
    port: 8080
    route: { path: / }
`;
