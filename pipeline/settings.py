"""The validated settings, loaded once per process, and the objects built from them.

The one home of what the pipeline derives from the site's settings: the form templates (from the
site's own forms folder when it names one) and their date fields, the retention schedule, the
signer and the trust roots. Everything is cached per configuration file or folder, so a batch loads
each once (and the forked task processes inherit them). Form titles, type codes and field labels
come from :mod:`fields.templates` with the same forms folder (:mod:`pipeline.labels`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import configs
from configs.schema import Settings
from pipeline import paths
from sohoa.errors import ConfigError


@functools.cache
def settings(config: str = "") -> Settings:
    """The run's settings (``configs/default.yaml`` when ``config`` is empty).

    Loading them also takes the signing secrets named there (the PKCS#12 passphrase and PKCS#11
    PIN variables) out of the environment: the run's main process loads its settings before it
    starts or forks anything, so no child process inherits them (:mod:`signing.secrets`).
    """
    loaded = configs.load(Path(config) if config else None)
    from signing.secrets import take_env_secrets

    take_env_secrets((loaded.signing.passphrase_env, loaded.signing.pin_env))
    return loaded


def forms_dir(config: str = "") -> Path | None:
    """The site's own form-template folder; None for the templates shipped in ``configs/forms``."""
    return settings(config).fields.forms_dir


def templates(config: str = ""):  # noqa: ANN201 - tuple[fields.templates.FormTemplate, ...]
    """The form templates the settings point at."""
    return _templates(forms_dir(config))


@functools.cache
def _templates(folder: Path | None):  # noqa: ANN202
    from fields.templates import load_templates

    return load_templates(folder) if folder else load_templates()


def date_fields(site: Settings) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Form type → (start date fields, end date fields) of the site's templates."""
    return {t.form_type: (t.dossier_dates.start, t.dossier_dates.end) for t in _templates(site.fields.forms_dir)}


def retention_schedule(site: Settings):  # noqa: ANN201 - archive.retention.RetentionSchedule
    """The site's retention schedule (``archive.retention-file``, else the shipped one)."""
    return _schedule(site.archive.retention_file)


@functools.cache
def _schedule(path: Path | None):  # noqa: ANN202
    from archive.retention import load_schedule

    return load_schedule(path) if path else load_schedule()


def signer_for(config: str = ""):
    """The configured signer: the demo chain, a PKCS#12 file or a PKCS#11 token.

    The signer is opened once per process and reused (:func:`signing.session.cached_signer`), so
    a batch run in one process logs in to a token once. Luigi runs each task in a child process
    when ``--workers`` is above 1: a key file opened by the main process serves them all, and a
    token is reached through the run's signing agent (:mod:`signing.agent`), so the run still
    logs in once.

    Raises:
        ConfigError: A key setting is missing.
        SigningError: The key cannot be opened (wrong PIN or passphrase, token absent).
    """
    from signing.agent import agent_signer
    from signing.session import cached_signer

    sig = settings(config).signing
    if sig.level_note:
        _warn_once(sig.level_note)
    remote = agent_signer()  # the run's one token session, served by its main process
    if remote is not None:
        return remote
    key = (config, sig.mode, str(sig.pkcs12_file), str(sig.pkcs11_module), sig.token_label, sig.key_label)
    return cached_signer(key, lambda: open_signer(sig))


@functools.cache
def _warn_once(note: str) -> None:
    import logging

    logging.getLogger("sohoa.signing").info("%s", note)


def open_signer(sig):
    """Open the signer the settings describe (no caching)."""
    from signing import ensure_demo_chain, load_pkcs11_signer, load_pkcs12_signer, read_secret

    if sig.mode == "demo":
        chain = ensure_demo_chain(paths.demo_pki_dir(), agency_name=sig.agency)
        return load_pkcs12_signer(chain.signer_p12, passphrase=read_secret(file=chain.passphrase_file))
    if sig.mode == "pkcs12":
        if sig.pkcs12_file is None:
            raise ConfigError("signing.pkcs12-file is required when signing.mode is pkcs12")
        secret = read_secret(env=sig.passphrase_env, file=sig.passphrase_file)
        return load_pkcs12_signer(sig.pkcs12_file, passphrase=secret)
    if sig.pkcs11_module is None or not sig.token_label or not sig.key_label:
        raise ConfigError("signing.pkcs11-module, token-label and key-label are required for pkcs11")
    pin = read_secret(env=sig.pin_env, file=sig.pin_file)
    if pin is None:
        raise ConfigError(f"no PIN: set {sig.pin_env} or signing.pin-file")
    return load_pkcs11_signer(sig.pkcs11_module, token_label=sig.token_label,
                              key_label=sig.key_label, pin=pin)


def trust_roots(config: str = "") -> list[Path]:
    """Trust anchors for verification: the configured ones, plus the demo root in demo mode."""
    sig = settings(config).signing
    roots = list(sig.trust_roots)
    demo_root = paths.demo_pki_dir()
    if sig.mode == "demo":
        from signing import ensure_demo_chain

        roots.append(ensure_demo_chain(demo_root, agency_name=sig.agency).root_cert)
    return roots
