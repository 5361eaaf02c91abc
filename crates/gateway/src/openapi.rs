//! The OpenAPI document the gateway serves at `/feed/v1/openapi.yaml`: the feed's one document (the sandbox's,
//! so the two cannot drift), without the sandbox's `/admin` routes, with the gateway's record route.

use std::sync::OnceLock;

const FEED: &str = include_str!("../../sandbox/openapi/feed.yaml");

const RECORD_PATH: &str = r##"  /feed/v1/{kind}/{id}/record:
    post:
      summary: Record a supervision step, an unsubscription or an invoice request by hand (KooDesk Gateway only)
      description: |
        KooGallery shows these only on the Seller Console, with no API and no export. A desk records the entity's
        whole state as the Seller Console shows it; the gateway numbers it in its feed (`supervision`,
        `unsubscriptions`, `invoice-requests`) with `recorded_by`, so every desk syncing the gateway sees it. The
        `id` is the order ID for `supervision`, the entity's ID otherwise. On the gateway, `…/decision` and
        `…/issued` record what the seller did on the Seller Console about a recorded unsubscription or invoice
        request, and may carry `recorded_by` and `recorded_at`. A repeated `action_id` answers with its first outcome.
      parameters:
        - {name: kind, in: path, required: true, schema: {type: string, enum: [supervision, unsubscriptions, invoice-requests]}}
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              description: The entity (FeedFlow, FeedUnsubscription or FeedInvoiceRequest; its seq is ignored) with action_id and recorded_by.
              type: object
              required: [action_id, recorded_by]
              properties:
                action_id: {type: string}
                recorded_by: {type: string}
                recorded_at: {type: string, format: date-time}
              additionalProperties: true
      responses:
        "200": {$ref: "#/components/responses/Outcome"}
        "400": {$ref: "#/components/responses/Error"}
        "401": {$ref: "#/components/responses/Error"}
        "404": {$ref: "#/components/responses/Error"}
        "503": {$ref: "#/components/responses/Error"}
"##;

/// The document, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| gateway_document(FEED))
}

/// Drops every `/admin…` path (a path is a line indented two spaces under `paths:`, up to the next one) and
/// adds the record route before `components:`.
fn gateway_document(feed: &str) -> String {
    let mut out = String::with_capacity(feed.len() + RECORD_PATH.len());
    let mut in_paths = false;
    let mut skipping = false;
    for line in feed.lines() {
        let top_level = !line.starts_with(' ') && !line.is_empty();
        if top_level {
            if in_paths && line.starts_with("components:") {
                out.push_str(RECORD_PATH);
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
        assert!(doc.contains("  /feed/v1/{kind}/{id}/record:\n"), "the gateway's record route");
        assert!(doc.contains("recorded_by"));
        assert!(doc.contains("served by KooDesk Gateway"));
        let health = doc.find("/feed/v1/interface-health").unwrap_or(0);
        let components = doc.find("\ncomponents:").unwrap_or(0);
        assert!(health > 0 && health < components, "the path sits under paths:");
    }
}
