"""Applications (appId/appSecret), their hashed secrets, and the JWT access tokens they get."""

from callscribe.auth.apps import AppCredentials, AppService
from callscribe.auth.tokens import TokenIssuer

__all__ = ["AppCredentials", "AppService", "TokenIssuer"]
