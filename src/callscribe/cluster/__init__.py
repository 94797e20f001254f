"""Several server processes on one database: each is a node with a heartbeat; jobs are claimed
by nodes with leases (:mod:`callscribe.jobs`); what a dead node held is finished by another.
With a shared Redis (:class:`Cluster`) they also share live events, route requests to the
node holding a call, and place calls where there is room."""

from __future__ import annotations

from callscribe.cluster.mesh import Cluster
from callscribe.cluster.node import Node, default_node_url, node_name

__all__ = ["Cluster", "Node", "default_node_url", "node_name"]
