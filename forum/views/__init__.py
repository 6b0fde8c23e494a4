"""Blueprints: thin views that parse input, call one service and render."""


def register_blueprints(app) -> None:
    from forum.views import accounts, answers, api, browse, errors, health, questions, reputation, users

    for module in (accounts, questions, answers, browse, users, reputation, health):
        app.register_blueprint(module.bp)
    api.init_app(app)
    from forum.views import cases, knowledge, privacy, twofactor

    app.register_blueprint(cases.bp)
    app.register_blueprint(knowledge.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(twofactor.bp)
    app.before_request(twofactor.enforce_for_staff)
    from forum.views import search

    app.register_blueprint(search.bp)
    from forum.views import feeds, notifications, preferences

    for module in (feeds, notifications, preferences):
        app.register_blueprint(module.bp)
    from forum.views import profile_fields, sso

    app.register_blueprint(sso.bp)
    app.register_blueprint(profile_fields.bp)
    from forum.views import admin, care, insights, moderation, satisfaction

    app.register_blueprint(satisfaction.bp)
    app.register_blueprint(insights.bp)
    app.register_blueprint(care.bp)
    app.register_blueprint(admin.bp)

    for blueprint in (moderation.bp, moderation.flags_bp, moderation.suggestions_bp):
        app.register_blueprint(blueprint)
    from forum.views import community, language

    app.register_blueprint(community.bp)
    app.register_blueprint(language.bp)
    errors.init_app(app)
