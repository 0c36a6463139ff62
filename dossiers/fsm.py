"""django-fsm-2's refresh of a protected state field, made safe under threads.

``FSMModelMixin.refresh_from_db`` lets a refresh write a protected field by switching the
field's ``protected`` flag off and on again. The field object is shared by every instance
in the process, so under a threaded server one request's refresh switched protection back
on in the middle of another's, which then failed with "Direct state modification is not
allowed" (a 500). The same result is reached here without touching the shared field: the
protection only refuses a write over a value already in the instance's ``__dict__``, so
the value is taken out of this instance alone for the refresh, and put back if the
refresh did not reload it.
"""

import django_fsm
from django.db import models


def refresh_from_db(self, *args, **kwargs) -> None:
    held = {
        name: self.__dict__.pop(name)
        for name in self._get_protected_fsm_fields()
        if name in self.__dict__
    }
    try:
        models.Model.refresh_from_db(self, *args, **kwargs)
    finally:
        for name, value in held.items():
            self.__dict__.setdefault(name, value)


def install() -> None:
    django_fsm.FSMModelMixin.refresh_from_db = refresh_from_db
