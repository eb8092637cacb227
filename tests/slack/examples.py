"""Slack's published example and the invented examples of reference/slack.md §1 and §3.

The interactive bodies are rebuilt exactly as Slack signs them: ``payload=`` + the form encoding of
the compact JSON (keys in the order shown); the vectors test checks each signature reproduces.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

# Slack's own known-answer example (api.slack.com, "Verifying requests from Slack").
KNOWN_ANSWER_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
KNOWN_ANSWER_TIMESTAMP = "1531420618"
KNOWN_ANSWER_BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&ch"
    "annel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&respon"
    "se_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskX"
    "aIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
KNOWN_ANSWER_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

# reference/slack.md §1 vectors.
SECRET = "3f9a6c1d2b8e4f7a0c5d9e1b2a4f6c8d"
TIMESTAMP = "1767225600"

BLOCK_ACTIONS_JSON = """\
{
  "type": "block_actions",
  "user": {
    "id": "U05LZ8P2KQ",
    "username": "maria.chen",
    "name": "maria.chen",
    "team_id": "T07QX2M4ND"
  },
  "api_app_id": "A06HW3K9T1Z",
  "token": "Lg4kQm2VwX9pZr7TnB3cYd8s",
  "container": {
    "type": "message",
    "message_ts": "1767225541.004900",
    "channel_id": "C06B4N7R2PD",
    "is_ephemeral": false,
    "thread_ts": "1767221002.000200"
  },
  "trigger_id": "8240057319846.7123456789012.3c1f0b9e8d7a6c5b4a3f2e1d0c9b8a7f",
  "team": {
    "id": "T07QX2M4ND",
    "domain": "northwind"
  },
  "enterprise": null,
  "is_enterprise_install": false,
  "channel": {
    "id": "C06B4N7R2PD",
    "name": "release-train"
  },
  "message": {
    "bot_id": "B06HW3KA7Q2",
    "type": "message",
    "text": "orders 2.7.0 is built",
    "user": "U06HW3KBOT",
    "ts": "1767225541.004900",
    "team": "T07QX2M4ND",
    "blocks": [
      {
        "type": "section",
        "block_id": "hdr",
        "text": {
          "type": "mrkdwn",
          "text": "*orders:2.7.0* is ready for `apps-prod`",
          "verbatim": false
        }
      },
      {
        "type": "actions",
        "block_id": "promote",
        "elements": [
          {
            "type": "button",
            "action_id": "deploy_prod",
            "text": {
              "type": "plain_text",
              "text": "Deploy to prod",
              "emoji": true
            },
            "style": "primary",
            "value": "deploy|orders-2.7.0-v1-dev-9f2c1e7|prod"
          },
          {
            "type": "button",
            "action_id": "skip",
            "text": {
              "type": "plain_text",
              "text": "Skip",
              "emoji": true
            },
            "value": "skip|orders-2.7.0-v1-dev-9f2c1e7"
          }
        ]
      }
    ],
    "thread_ts": "1767221002.000200",
    "parent_user_id": "U06HW3KBOT"
  },
  "state": {
    "values": {}
  },
  "response_url": "https://hooks.slack.com/actions/T07QX2M4ND/8240057319801/Qm9WcH2kZtR8yN3vL6xJ1aPd",
  "actions": [
    {
      "action_id": "deploy_prod",
      "block_id": "promote",
      "text": {
        "type": "plain_text",
        "text": "Deploy to prod",
        "emoji": true
      },
      "value": "deploy|orders-2.7.0-v1-dev-9f2c1e7|prod",
      "style": "primary",
      "type": "button",
      "action_ts": "1767225599.812345"
    }
  ]
}
"""

INTERACTIVE_MESSAGE_JSON = """\
{
  "type": "interactive_message",
  "actions": [
    {
      "name": "decision",
      "type": "button",
      "value": "rollback|orders-2.6.4"
    }
  ],
  "callback_id": "rollback-orders",
  "team": {
    "id": "T07QX2M4ND",
    "domain": "northwind"
  },
  "channel": {
    "id": "C06B4N7R2PD",
    "name": "release-train"
  },
  "user": {
    "id": "U05LZ8P2KQ",
    "name": "maria.chen"
  },
  "action_ts": "1767225599.812345",
  "message_ts": "1767225541.004900",
  "attachment_id": "1",
  "token": "Lg4kQm2VwX9pZr7TnB3cYd8s",
  "is_app_unfurl": false,
  "original_message": {
    "type": "message",
    "subtype": "bot_message",
    "text": "Deploy of orders 2.7.0 failed",
    "ts": "1767225541.004900",
    "bot_id": "B06HW3KA7Q2",
    "attachments": [
      {
        "id": 1,
        "callback_id": "rollback-orders",
        "fallback": "Roll back orders?",
        "text": "Roll back to the previous tag?",
        "color": "#d40e0d",
        "actions": [
          {
            "id": "1",
            "name": "decision",
            "text": "Roll back to 2.6.4",
            "type": "button",
            "value": "rollback|orders-2.6.4",
            "style": "danger"
          },
          {
            "id": "2",
            "name": "decision",
            "text": "Leave it",
            "type": "button",
            "value": "ignore",
            "style": "default"
          }
        ]
      }
    ]
  },
  "response_url": "https://hooks.slack.com/actions/T07QX2M4ND/8240057319802/Zx7cV1bN4mQ9wE2rT5yU8iOp",
  "trigger_id": "8240057319847.7123456789012.9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
}
"""

VIEW_SUBMISSION_JSON = """\
{
  "type": "view_submission",
  "team": {
    "id": "T07QX2M4ND",
    "domain": "northwind"
  },
  "user": {
    "id": "U05LZ8P2KQ",
    "username": "maria.chen",
    "name": "maria.chen",
    "team_id": "T07QX2M4ND"
  },
  "api_app_id": "A06HW3K9T1Z",
  "token": "Lg4kQm2VwX9pZr7TnB3cYd8s",
  "trigger_id": "8240057319848.7123456789012.0f1e2d3c4b5a69788796a5b4c3d2e1f0",
  "view": {
    "id": "V07A1B2C3D4",
    "team_id": "T07QX2M4ND",
    "type": "modal",
    "callback_id": "rollback_reason",
    "private_metadata": "orders-2.7.0-v1-prod-9f2c1e7",
    "title": {
      "type": "plain_text",
      "text": "Roll back orders"
    },
    "submit": {
      "type": "plain_text",
      "text": "Roll back"
    },
    "blocks": [
      {
        "type": "input",
        "block_id": "reason",
        "label": {
          "type": "plain_text",
          "text": "Why?"
        },
        "element": {
          "type": "plain_text_input",
          "action_id": "reason_text",
          "multiline": true
        }
      }
    ],
    "state": {
      "values": {
        "reason": {
          "reason_text": {
            "type": "plain_text_input",
            "value": "p99 latency doubled after 2.7.0"
          }
        }
      }
    },
    "hash": "1767225590.Xy7Rk2Pq",
    "previous_view_id": null,
    "root_view_id": "V07A1B2C3D4",
    "app_id": "A06HW3K9T1Z",
    "external_id": "",
    "bot_id": "B06HW3KA7Q2"
  },
  "response_urls": [],
  "is_enterprise_install": false,
  "enterprise": null
}
"""

SLASH_COMMAND_BODY = (
    "token=Lg4kQm2VwX9pZr7TnB3cYd8s&team_id=T07QX2M4ND&team_domain=northwind&channel_id=C06B4N7R2PD&c"
    "hannel_name=release-train&user_id=U05LZ8P2KQ&user_name=maria.chen&command=%2Fcicd&text=deploy+or"
    "ders+2.7.0+prod&api_app_id=A06HW3K9T1Z&is_enterprise_install=false&response_url=https%3A%2F%2Fho"
    "oks.slack.com%2Fcommands%2FT07QX2M4ND%2F8240057319803%2FAb3dEf6hIj9kLm2nOp5qRs8t&trigger_id=8240"
    "057319849.7123456789012.5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"
)

SLASH_COMMAND_CONVERTED = (
    '{"api_app_id":["A06HW3K9T1Z"],"channel_id":["C06B4N7R2PD"],"channel_name":["release-train"],"com'
    'mand":["/cicd"],"is_enterprise_install":["false"],"response_url":["https://hooks.slack.com/comma'
    'nds/T07QX2M4ND/8240057319803/Ab3dEf6hIj9kLm2nOp5qRs8t"],"team_domain":["northwind"],"team_id":["'
    'T07QX2M4ND"],"text":["deploy orders 2.7.0 prod"],"token":["Lg4kQm2VwX9pZr7TnB3cYd8s"],"trigger_i'
    'd":["8240057319849.7123456789012.5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b"],"user_id":["U05LZ8P2KQ"],"us'
    'er_name":["maria.chen"]}'
)

URL_VERIFICATION_BODY = (
    '{"token":"Lg4kQm2VwX9pZr7TnB3cYd8s","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYX'
    'AYM8P","type":"url_verification"}'
)

EVENT_CALLBACK_BODY = (
    '{"token":"Lg4kQm2VwX9pZr7TnB3cYd8s","team_id":"T07QX2M4ND","api_app_id":"A06HW3K9T1Z","event":{"'
    'type":"app_mention","user":"U05LZ8P2KQ","text":"<@U06HW3KBOT> status orders","ts":"1767225700.00'
    '0100","channel":"C06B4N7R2PD","event_ts":"1767225700.000100"},"type":"event_callback","event_id"'
    ':"Ev07B9XKQ2LM","event_time":1767225700,"authorizations":[{"enterprise_id":null,"team_id":"T07QX'
    '2M4ND","user_id":"U06HW3KBOT","is_bot":true,"is_enterprise_install":false}],"is_ext_shared_chann'
    'el":false}'
)


def load(text: str) -> dict[str, Any]:
    """The example object, keys in the order shown."""
    data: dict[str, Any] = json.loads(text)
    return data


def payload_body(obj: Any) -> str:
    """A ``payload=`` form body exactly as Slack builds it."""
    return urlencode({"payload": json.dumps(obj, separators=(",", ":"))})


BLOCK_ACTIONS_BODY = payload_body(load(BLOCK_ACTIONS_JSON))
INTERACTIVE_MESSAGE_BODY = payload_body(load(INTERACTIVE_MESSAGE_JSON))
VIEW_SUBMISSION_BODY = payload_body(load(VIEW_SUBMISSION_JSON))

# (name, body, content type, length, signature) from reference/slack.md §1.
VECTORS = [
    (
        "block_actions",
        BLOCK_ACTIONS_BODY,
        "application/x-www-form-urlencoded",
        2491,
        "v0=bc990bdd42296ead04139a6ab9196173e1e63709dd3ce16573732a3d07e65e32",
    ),
    (
        "interactive_message",
        INTERACTIVE_MESSAGE_BODY,
        "application/x-www-form-urlencoded",
        1727,
        "v0=5fd5df3a9085309b3457c4508ba2506ef470611cc9cc310a6e54c80fd9e3e401",
    ),
    (
        "view_submission",
        VIEW_SUBMISSION_BODY,
        "application/x-www-form-urlencoded",
        1625,
        "v0=8ac5a91a7f14214b8f61652464827998ee828d11824c75b98f8dd3bf169afc0b",
    ),
    (
        "slash command",
        SLASH_COMMAND_BODY,
        "application/x-www-form-urlencoded",
        440,
        "v0=b6e5e08bda19805137027c247d349e1ca266221766d84e44ab8918830ad03df3",
    ),
    (
        "url_verification",
        URL_VERIFICATION_BODY,
        "application/json",
        129,
        "v0=dc7b9d12f9f8062457e6665e343419eb559b9eb85b92a0057bebe80b379092e1",
    ),
]
