package org.jccl;

import java.util.Map;

/**
 * Reads rank, size and rendezvous from the variables that jccl and common launchers set
 * (mpirun, PMI launchers, srun, torchrun-style launchers).
 */
final class LaunchEnvironment {
    private static final String[][] RANK_SIZE_PAIRS = {
        {Configuration.ENV_RANK, Configuration.ENV_SIZE},
        {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"},
        {"PMI_RANK", "PMI_SIZE"},
        {"SLURM_PROCID", "SLURM_NTASKS"},
        {"RANK", "WORLD_SIZE"},
    };
    /** Derived rendezvous ports lie in [BASE, BASE + SPAN). */
    static final int DERIVED_PORT_BASE = 20000;
    static final int DERIVED_PORT_SPAN = 20000;

    private final Map<String, String> env;

    LaunchEnvironment(Map<String, String> env) {
        this.env = env;
    }

    /** Rank and size from the first pair of variables that is set, or null. */
    int[] rankAndSize() {
        for (String[] pair : RANK_SIZE_PAIRS) {
            String r = env.get(pair[0]);
            String s = env.get(pair[1]);
            if (r != null && s != null) {
                return new int[] {parse(pair[0], r), parse(pair[1], s)};
            }
        }
        return null;
    }

    /**
     * The rendezvous address: JCCL_RENDEZVOUS, else MASTER_ADDR:MASTER_PORT, else one derived from
     * the launcher's job id when all ranks are on this node, else null.
     */
    String rendezvous() {
        String explicit = env.get(Configuration.ENV_RENDEZVOUS);
        if (explicit != null && !explicit.isBlank()) {
            return explicit.trim();
        }
        String addr = env.get("MASTER_ADDR");
        String port = env.get("MASTER_PORT");
        if (addr != null && port != null) {
            return addr.trim() + ":" + port.trim();
        }
        String job = singleNodeJobId();
        if (job != null) {
            int port0 = DERIVED_PORT_BASE + Math.floorMod(job.hashCode() * 31 + 7, DERIVED_PORT_SPAN);
            return "127.0.0.1:" + port0;
        }
        return null;
    }

    /** A sentence telling the user what to set, for when {@link #rendezvous()} is null. */
    String missingRendezvousHint() {
        String launcher = launcherName();
        String where = launcher == null ? "" : " (launched by " + launcher + " across several nodes)";
        return "no rendezvous address" + where + ": set " + Configuration.ENV_RENDEZVOUS
                + "=host:port (or MASTER_ADDR and MASTER_PORT) to a free port on the node that runs rank 0";
    }

    /** The launcher's job id when every rank of the job runs on this node, else null. */
    private String singleNodeJobId() {
        String ompiSize = env.get("OMPI_COMM_WORLD_SIZE");
        if (ompiSize != null && ompiSize.equals(env.get("OMPI_COMM_WORLD_LOCAL_SIZE"))) {
            String ns = firstSet("PMIX_NAMESPACE", "OMPI_MCA_ess_base_jobid", "OMPI_MCA_orte_ess_jobid");
            if (ns != null) {
                return "ompi:" + ns;
            }
        }
        String slurmJob = env.get("SLURM_JOB_ID");
        if (slurmJob != null && "1".equals(firstSet("SLURM_STEP_NUM_NODES", "SLURM_NNODES"))) {
            return "slurm:" + slurmJob + "." + env.getOrDefault("SLURM_STEP_ID", "0");
        }
        String pmiSize = env.get("PMI_SIZE");
        if (pmiSize != null && pmiSize.equals(env.get("MPI_LOCALNRANKS"))) {
            String kvs = firstSet("PMI_KVSNAME", "PMIX_NAMESPACE", "PMI_FD");
            if (kvs != null) {
                return "pmi:" + kvs + ":" + env.getOrDefault("PMI_PORT", "");
            }
        }
        return null;
    }

    private String launcherName() {
        if (env.containsKey("OMPI_COMM_WORLD_SIZE")) {
            return "mpirun";
        }
        if (env.containsKey("SLURM_NTASKS")) {
            return "srun";
        }
        if (env.containsKey("PMI_SIZE")) {
            return "a PMI launcher";
        }
        return null;
    }

    private String firstSet(String... names) {
        for (String n : names) {
            String v = env.get(n);
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    String get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    Map<String, String> all() {
        return env;
    }

    static int parse(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new JcclException(-1, "init", name + "=" + value + " is not an integer");
        }
    }
}
