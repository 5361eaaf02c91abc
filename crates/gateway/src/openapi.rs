//! The OpenAPI document the gateway serves at `/feed/v1/openapi.yaml`: the feed's one document (the sandbox's,
//! so the two cannot drift), without the sandbox's `/admin` routes, with the gateway's interface-health view.

use std::sync::OnceLock;

const FEED: &str = include_str!("../../sandbox/openapi/feed.yaml");

const HEALTH_PATH: &str = r##"  /feed/v1/interface-health:
    get:
      summary: The production interface's health this month (KooDesk Gateway only)
      description: |
        Failed orders this month (Beijing time) against KooGallery's line (more than 5 failed orders in a month
        and the product is delisted), the last debug call (KooGallery's dial tests replay the saved cases twice a
        day), refused calls by reason, and the orders `order/query` has not described yet.
      responses:
        "200":
          description: The view
          content:
            application/json:
              schema:
                type: object
                required: [period, calls, failed_orders, delisting_line, over_the_line, refused_total, refused, enrichment]
                properties:
                  period: {type: string, pattern: "^[0-9]{4}-[0-9]{2}$"}
                  calls: {type: integer, minimum: 0}
                  failed_orders: {type: integer, minimum: 0}
                  delisting_line: {type: integer}
                  over_the_line: {type: boolean}
                  last_dial_test:
                    nullable: true
                    type: object
                    required: [at, activity, result_code]
                    properties:
                      at: {type: string}
                      activity: {type: string}
                      result_code: {type: string}
                  refused_total: {type: integer, minimum: 0}
                  refused: {type: object, additionalProperties: {type: integer}}
                  enrichment:
                    type: object
                    required: [configured, backlog, pending]
                    properties:
                      configured: {type: boolean}
                      backlog: {type: integer, minimum: 0}
                      pending:
                        type: array
                        items:
                          type: object
                          required: [order_id, order_line_id, first_call_at, attempts]
                          properties:
                            order_id: {type: string}
                            order_line_id: {type: string}
                            instance_id: {type: string, nullable: true}
                            first_call_at: {type: string}
                            attempts: {type: integer}
                            last_error: {type: string, nullable: true}
        "401": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
"##;

/// The document, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| gateway_document(FEED))
}

/// Drops every `/admin…` path (a path is a line indented two spaces under `paths:`, up to the next one) and
/// adds the interface-health path before `components:`.
fn gateway_document(feed: &str) -> String {
    let mut out = String::with_capacity(feed.len() + HEALTH_PATH.len());
    let mut in_paths = false;
    let mut skipping = false;
    for line in feed.lines() {
        let top_level = !line.starts_with(' ') && !line.is_empty();
        if top_level {
            if in_paths && line.starts_with("components:") {
                out.push_str(HEALTH_PATH);
            }
            in_paths = line.starts_with("paths:");
            skipping = false;
        } else if in_paths && line.starts_with("  /") {
            skipping = line.starts_with("  /admin");
        }
        if skipping {
            continue;
        }
        let line = line.replace("(served by the KooGallery sandbox)", "(served by KooDesk Gateway)");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_document_has_no_admin_routes_and_has_its_health_view() {
        let doc = document();
        assert!(!doc.contains("/admin/"), "admin routes are the sandbox's");
        assert!(doc.contains("  /feed/v1/interface-health:\n"));
        assert!(doc.contains("  /feed/v1/{kind}:\n"));
        assert!(doc.contains("served by KooDesk Gateway"));
        let health = doc.find("/feed/v1/interface-health").unwrap_or(0);
        let components = doc.find("\ncomponents:").unwrap_or(0);
        assert!(health > 0 && health < components, "the path sits under paths:");
    }
}
