"""Blueprints: thin views that parse input, call one service and render."""


def register_blueprints(app) -> None:
    from forum.views import accounts, answers, api, browse, errors, health, questions, reputation, users

    for module in (accounts, questions, answers, browse, users, reputation, health, api):
        app.register_blueprint(module.bp)
    from forum.views import privacy, twofactor

    app.register_blueprint(privacy.bp)
    app.register_blueprint(twofactor.bp)
    app.before_request(twofactor.enforce_for_staff)
    errors.init_app(app)
