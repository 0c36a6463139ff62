"""What a token may do: its scopes, and which kind of organisation an endpoint serves."""

from rest_framework import permissions

from api.models import ApiToken, Scope


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class TokenScope(permissions.BasePermission):
    """Reading needs the ``read`` scope; anything else needs ``write``."""

    code = "insufficient_scope"

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return False
        needed = Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE
        if not token.has_scope(needed):
            self.message = f"Ce jeton n'a pas le droit « {needed} » nécessaire à cette requête."
            return False
        return True


class FederationOnly(permissions.BasePermission):
    message = "Cette opération est réservée aux fédérations."
    code = "federation_only"

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        return token is not None and token.organisation.is_federation


class FunderOnly(permissions.BasePermission):
    message = "Cette opération est réservée aux financeurs."
    code = "funder_only"

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        return token is not None and token.organisation.is_funder
