package org.jccl.communicator;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.jccl.Communicator;
import org.jccl.Configuration;
import org.jccl.JcclException;
import org.jccl.algorithms.AlgorithmSelector;
import org.jccl.algorithms.CostModel;
import org.jccl.rendezvous.MemoryRendezvousStore;
import org.jccl.rendezvous.RendezvousStore;
import org.jccl.rendezvous.StoreBootstrap;
import org.jccl.rendezvous.TcpRendezvousClient;
import org.jccl.rendezvous.TcpRendezvousServer;
import org.jccl.spi.Bootstrap;
import org.jccl.spi.CommunicatorFactory;
import org.jccl.spi.ConnectOptions;
import org.jccl.spi.Transport;
import org.jccl.spi.TransportProvider;

/**
 * Builds a world communicator: rank 0 serves the rendezvous store, every rank joins it, the ranks
 * agree on a job id and size, the transport connects through the store, and a final barrier makes
 * sure everyone is ready before the first collective.
 */
public final class StandardCommunicatorFactory implements CommunicatorFactory {
    private static final String MEMORY_PREFIX = "mem:";
    /** How long the rank serving the store keeps it after a failed start, for the others to read why. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    @Override
    public Communicator connect(ConnectOptions o) {
        int rank = o.rank();
        AlgorithmSelector selector = new AlgorithmSelector(o.algorithms(), rank);
        Instant deadline = Instant.now().plus(o.timeout());
        boolean inMemory = o.rendezvous().startsWith(MEMORY_PREFIX);
        TcpRendezvousServer server = null;
        RendezvousStore store = null;
        try {
            if (inMemory) {
                store = MemoryRendezvousStore.open(o.rendezvous().substring(MEMORY_PREFIX.length()), rank);
            } else {
                if (rank == 0) {
                    server = TcpRendezvousServer.start(o.rendezvous(), o.secret(), o.tls());
                }
                store = TcpRendezvousClient.connect(rank, o.rendezvous(), o.secret(), o.tls(), deadline);
            }
            if (store.add("rank/" + rank, 1) != 1) {
                throw new JcclException(rank, "init", "another process already joined this job as rank "
                        + rank + " (is JCCL_RANK the same on two processes?)");
            }
            // once the store is up, so that a rank started wrong tells the others (and rank 0 serves them the news)
            CostModel model = costModel(rank);
            TransportProvider provider = provider(o.transport(), rank);
            long jobId = agreeOnJob(store, o, deadline);
            StartupAgreement.check(store, o, provider, deadline);
            String host = inMemory ? null : o.rendezvous().substring(0, o.rendezvous().lastIndexOf(':'));
            Bootstrap bootstrap = new StoreBootstrap(store, "transport", rank, o.size(), o.timeout());
            TransportSpec spec = new TransportSpec(provider, jobId, o.secret(), o.tls(), o.socketInterface(), host, o.timeout());
            Transport transport = spec.open(rank, o.size(), jobId, bootstrap);
            bootstrap.barrier();
            StragglerBoard board = o.size() > 1 ? StragglerBoard.start(rank, store, () -> inMemory
                    ? MemoryRendezvousStore.open(o.rendezvous().substring(MEMORY_PREFIX.length()), rank)
                    : TcpRendezvousClient.connect(rank, o.rendezvous(), o.secret(), o.tls(), deadline)) : null;
            TransportCommunicator comm = new TransportCommunicator(rank, o.size(), spec, transport,
                    closer(board, store, server), selector, o.timeout().toNanos(),
                    Configuration.intProperty(Configuration.PROP_CHUNK_BYTES, Configuration.DEFAULT_CHUNK_BYTES),
                    Membership.world(board, jobId, o.size()));
            if (model != null) {
                selector.useModel(model);
            } else if (o.size() > 1) {
                try {
                    comm.measureCosts();
                } catch (RuntimeException e) {
                    comm.close();
                    throw e;
                }
            }
            comm.logCreation();
            return comm;
        } catch (RuntimeException e) {
            try {
                if (store != null) {
                    // this rank will not join, so the job cannot start: every rank learns why at once
                    failJob(store, e instanceof JcclException j ? j : new JcclException(rank, "init", e.toString(), e));
                    if (server != null) {
                        store.lingerForFailure(o.size() - 1, Instant.now().plus(LINGER));
                    }
                }
                closer(null, store, server).close();
            } catch (Exception ignored) {
                // already failing
            }
            throw e instanceof JcclException j ? j : new JcclException(rank, "init", e.toString(), e);
        }
    }

    @Override
    public void refuse(ConnectOptions o, String why) {
        if (o.rendezvous().startsWith(MEMORY_PREFIX) || o.rank() == 0) {
            return; // threads of one JVM learn it from the caller; a rank 0 that cannot join serves no store
        }
        try (RendezvousStore store = TcpRendezvousClient.connect(o.rank(), o.rendezvous(), o.secret(), o.tls(),
                Instant.now().plus(o.timeout()))) {
            store.failFirst(why);
        } catch (RuntimeException e) {
            // the job cannot be reached: its ranks time out as before
        }
    }

    /** The model {@code JCCL_COST_MODEL} (or {@code jccl.costModel}) sets, or null to measure one. */
    private static CostModel costModel(int rank) {
        String spec = Configuration.setting(Configuration.PROP_COST_MODEL, Configuration.ENV_COST_MODEL);
        if (spec == null || spec.isBlank()) {
            return null;
        }
        try {
            return CostModel.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new JcclException(rank, "init", Configuration.ENV_COST_MODEL + ": " + e.getMessage(), e);
        }
    }

    private static long agreeOnJob(RendezvousStore store, ConnectOptions o, Instant deadline) {
        if (o.rank() == 0) {
            long id = new SecureRandom().nextLong();
            store.set("job", ByteBuffer.allocate(12).putLong(id).putInt(o.size()).array());
            return id;
        }
        ByteBuffer job = ByteBuffer.wrap(store.await("job", deadline, o.rank()));
        long id = job.getLong();
        int size = job.getInt();
        if (size != o.size()) {
            throw new JcclException(o.rank(), "init", "this rank has size " + o.size()
                    + " but rank 0 has size " + size + " (JCCL_SIZE differs)");
        }
        return id;
    }

    /** Makes {@code e} the job's start-up failure, unless some rank's came first; every waiting rank fails with it. */
    private static void failJob(RendezvousStore store, JcclException e) {
        try {
            store.failFirst(e.getMessage());
        } catch (RuntimeException ignored) {
            // the store is gone: the other ranks learn of it themselves
        }
    }

    private static TransportProvider provider(String name, int rank) {
        List<String> names = new ArrayList<>();
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class)) {
            if (p.name().equals(name)) {
                String why = p.unavailableReason();
                if (why != null) {
                    throw new JcclException(rank, "init", "transport '" + name + "' is unavailable: " + why);
                }
                return p;
            }
            names.add(p.name());
        }
        throw new JcclException(rank, "init", "unknown transport '" + name + "'; on the class path: " + names);
    }

    private static AutoCloseable closer(StragglerBoard board, RendezvousStore store, TcpRendezvousServer server) {
        return () -> {
            // after a timeout the other ranks may still be asking who was behind: the store waits for them
            boolean asked = board != null && server != null && board.asked();
            if (board != null) {
                board.close();
            }
            if (store != null) {
                store.close();
            }
            if (server != null) {
                server.close(asked ? StragglerBoard.ANSWER_WINDOW.plus(LINGER) : Duration.ZERO);
            }
        };
    }
}
