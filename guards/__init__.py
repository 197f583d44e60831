"""Ratchet's guard: static analysis of a change. Pure and deterministic.

    change = GitRepository.open(Path(".")).worktree_change("HEAD")
    report = check(change, load_config(table), RuleSet.default())
    print(renderer("text")(report))

The names below are imported on first use (`guards.lazy`): a check whose report is cached reads
the change, the configuration and the cache, and never imports the analysis behind `check`.
"""

from guards import lazy

__getattr__ = lazy.exports(
    __name__,
    {
        "guards.change": ("Change", "FilePair"),
        "guards.config": ("Config", "load_config"),
        "guards.engine": ("check",),
        "guards.errors": ("ConfigError", "GuardError", "InputError", "NotARepository", "PatchError", "UnknownRevision"),
        "guards.findings": ("Category", "Finding", "RuleMeta", "Severity"),
        "guards.registry": ("RuleSet",),
        "guards.report": ("SCHEMA_VERSION", "FileStatus", "Report"),
        "guards.reports": ("Format", "renderer"),
        "guards.sources": ("GitRepository", "directory_change", "patch_change_on_directory", "patch_change_on_revision"),
        "guards.sources.git": ("GitTree",),
        "guards.tree": ("NO_TREE", "DirectoryTree", "SourceTree"),
    },
)

__all__ = [
    "NO_TREE",
    "SCHEMA_VERSION",
    "Category",
    "Change",
    "Config",
    "ConfigError",
    "DirectoryTree",
    "FilePair",
    "FileStatus",
    "Finding",
    "Format",
    "GitRepository",
    "GitTree",
    "GuardError",
    "InputError",
    "NotARepository",
    "PatchError",
    "Report",
    "RuleMeta",
    "RuleSet",
    "Severity",
    "SourceTree",
    "UnknownRevision",
    "check",
    "directory_change",
    "load_config",
    "patch_change_on_directory",
    "patch_change_on_revision",
    "renderer",
]
