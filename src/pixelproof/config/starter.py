"""The commented starter map `pixelproof init` writes; a test proves it validates."""

from __future__ import annotations

STARTER = """\
# yaml-language-server: $schema=event-map.schema.json
# A pixelproof event map (format 1). Write the schema next to it for editor completion:
#   pixelproof schema > event-map.schema.json
# Check it any time with `pixelproof validate THIS_FILE`; reference: docs/event-map.md.
version: 1
name: My shop

# One environment, short form. For several, use `environments: {staging: {…}, production: {…}}`.
environment: staging                 # staging | production (production forbids test codes)
site:
  base_url: https://staging.example.com
  domains: [example.com]             # event_source_url hosts that are ours
pixel: {id: "111111111111111"}       # role `main`; quote IDs (unquoted ones are numbers)
test_event_code: "${META_TEST_EVENT_CODE}"   # unset or empty = not checked
capi:
  capture: sink                      # the backend's Graph base URL points at pixelproof
  sink: {listen: 127.0.0.1:4010}

timing: {browser_within: 5s, server_within: 30s, quiet: 1s, journey_settle: 30s}

consent:
  banner: "#cookie-banner"           # remove if the site has no banner
  accept: [{click: "#consent-accept"}]     # accept = marketing granted
  reject: [{click: "#consent-reject"}]     # reject = marketing denied

personas:
  shopper: {email: "qa+{run.id}@example.com", first_name: Alex, country: us}

events:                              # keys are ours; `name` is Meta's (default: the key)
  PageView: {sources: [browser]}
  AddToCart:
    sources: [browser]
    params: {value: number, currency: currency, content_ids: list}
  Purchase:
    sources: [browser, server]       # dual source: deduplicated by event_id
    event_id: shared                 # both copies must carry the same event ID
    params:
      value: {type: number, compare: {tolerance: 0.01}}
      currency: currency
    user_data: {server: [em, client_user_agent, client_ip_address, fbp, {fbc: when_available}]}
    consent: required                # never before the consent step

journeys:
  - name: purchase
    consent: accept
    persona: shopper
    landing: {fbclid: auto}          # the first goto gets ?fbclid=… so fbc flows through
    steps:
      - goto: /product/1
      - expect: PageView
      - {id: add, click: "#add-to-cart"}
      - expect: {AddToCart: {count: 1}}
      - goto: /checkout
      - expect: PageView
      - fill: {"#email": "{persona.email}"}
      - {id: pay, click: "#pay"}
      - wait: {url: "**/thank-you**"}
      - expect: Purchase
  - name: consent-rejected
    consent: reject
    steps: [{goto: /}, {goto: /product/1}]
    forbid: [AddToCart, Purchase]    # from either source, the whole journey

graph:
  access_token: "${META_ACCESS_TOKEN}"     # from the environment only; unset = Graph skipped
"""
