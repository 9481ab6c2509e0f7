"""Notices that leave the platform: SMS providers with templates, WeChat Work (企业微信) app
messages, and each user's channel choice.

The modules here are transports and rules only; the durable outbox (one delivery row per notice,
claimed, retried, capped) calls :func:`congress.notices.sms.get_sms_backend` and
:func:`congress.notices.wecom.get_wecom_backend` and records what they return or raise.
"""
