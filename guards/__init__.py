"""Ratchet's guard: static analysis of a change. Pure and deterministic.

    change = GitRepository.open(Path(".")).worktree_change("HEAD")
    report = check(change, load_config(table), RuleSet.default())
    print(renderer("text")(report))
"""

from guards.change import Change, FilePair
from guards.config import Config, load_config
from guards.engine import check
from guards.errors import ConfigError, GuardError, InputError, NotARepository, PatchError, UnknownRevision
from guards.findings import Category, Finding, RuleMeta, Severity
from guards.registry import RuleSet
from guards.report import SCHEMA_VERSION, FileStatus, Report
from guards.reports import Format, renderer
from guards.sources import GitRepository, directory_change, patch_change_on_directory, patch_change_on_revision
from guards.sources.git import GitTree
from guards.tree import NO_TREE, DirectoryTree, SourceTree

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
