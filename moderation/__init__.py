"""Moderation domain: flags, the review queue, moderator actions and the audit log."""
