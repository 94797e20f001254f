"""Several server processes on one database: each is a node with a heartbeat; jobs are claimed
by nodes with leases (:mod:`callscribe.jobs`); what a dead node held is finished by another."""

from __future__ import annotations

from callscribe.cluster.node import Node, node_name

__all__ = ["Node", "node_name"]
