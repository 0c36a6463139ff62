"""``Authorization: Bearer grp_…``: the request acts as the token's service user.

The service user is a real ``User`` of the token's organisation (officer role), so the
existing ``visible_to(user)`` querysets and transition permissions apply unchanged; the
token itself is ``request.auth`` (scopes, campaign restriction, throttling key).
"""

from rest_framework import authentication, exceptions

from api import tokens


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "En-tête Authorization invalide : « Bearer <jeton> » attendu."
            )
        try:
            raw = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Jeton invalide.") from exc
        token = tokens.find_token(raw)
        if token is None:
            raise exceptions.AuthenticationFailed("Jeton invalide, expiré ou révoqué.")
        tokens.touch(token)
        return token.service_user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (with this challenge) rather than 403 without credentials.
        return f'{self.keyword} realm="api"'
