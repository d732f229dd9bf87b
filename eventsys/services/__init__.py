"""Use cases, named as verbs: they load models, call the domain, change models and flush.

They never commit: the view that calls one commits once."""
