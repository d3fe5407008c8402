/** Two Portier processes share rate limits, sessions, nonces and signing keys through one etcd (`cluster.etcd`). */
import { describeSharedGateway } from '../helpers/cluster-gateway.js';

describeSharedGateway('etcd');
