/**
 * What the Docker and Swarm providers know about one thing that may receive traffic: a container,
 * or a Swarm service with its tasks. The configuration builder needs nothing else.
 */
export interface Workload {
  id: string;
  /** Container name without its leading `/`, or the Swarm service name. */
  name: string;
  /** The name routers and services are called by: `<service>_<project>` for compose, else `name`. */
  serviceName: string;
  /** v1's default-rule host part: `<service>.<project>` for compose, else `name`, with `_` → `-`. */
  v1Name: string;
  labels: Record<string, string>;
  running: boolean;
  /** Docker health status when the image or run defines a health check. */
  health?: string;
  /** Addresses by network name: one per container, one per running task for a Swarm service. */
  networks: Record<string, string[]>;
  /** Swarm only: the service's virtual IP on each network. */
  virtualIps?: Record<string, string[]>;
  /** Network mode `host`: reachable on the host's own address. */
  hostNetwork: boolean;
  /** The host address to use for host-network workloads. */
  hostAddress?: string;
  /** Exposed container ports, ascending. */
  exposedPorts: number[];
  /** Published ports: container port → host IP and port (for `useBindPortIP`). */
  bindings?: Record<number, { hostIp: string; hostPort: number }>;
  /** The compose project, when the workload belongs to one (to resolve short network names). */
  composeProject?: string;
}
