"""The model families, one package each: its spec models, template, procedures, metrics, figures,
environments, starter spec and bank composition, registered as one :class:`Family`."""
