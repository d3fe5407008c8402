/** The same gateway scenario as cluster-etcd-gateway.test.ts, through one Redis (`cluster.redis`). */
import { describeSharedGateway } from '../helpers/cluster-gateway.js';

describeSharedGateway('redis');
