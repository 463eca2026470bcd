package org.jccl.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import org.jccl.Configuration;
import org.junit.jupiter.api.Test;

/** Whether ranks outnumber the cores they may run on, as the transports decide how to wait. */
class PlacementTest {
    private static Placement at(String machine, int... cpus) {
        BitSet set = new BitSet();
        for (int c : cpus) {
            set.set(c);
        }
        byte[] m = machine.getBytes(StandardCharsets.UTF_8);
        byte[] c = set.toByteArray();
        return Placement.decode(ByteBuffer.allocate(8 + m.length + c.length).putInt(m.length).put(m).putInt(c.length)
                .put(c).flip());
    }

    @Test
    void ranksOutnumberingTheCoresTheyShareAreOversubscribed() {
        Placement[] four = {at("a", 0, 1), at("a", 0, 1), at("a", 0, 1), at("a", 0, 1)};
        assertTrue(four[0].oversubscribed(four), "4 ranks free to run on the same 2 cores");
        Placement[] two = {at("a", 0, 1), at("a", 0, 1)};
        assertFalse(two[0].oversubscribed(two), "2 ranks on 2 cores");
    }

    @Test
    void boundRanksAndOtherMachinesDoNotCount() {
        Placement[] bound = {at("a", 0), at("a", 1), at("b", 0), at("b", 1)};
        for (Placement p : bound) {
            assertFalse(p.oversubscribed(bound), "one rank per core, two machines");
        }
        Placement[] sharing = {at("a", 0), at("a", 0), at("a", 1)};
        assertTrue(sharing[0].oversubscribed(sharing), "two ranks bound to core 0");
        assertFalse(sharing[2].oversubscribed(sharing), "core 1 is this rank's own");
    }

    @Test
    void aHostIdOverridesHostnameAndBootId() {
        Placement plain = Placement.here();
        String before = System.getProperty(Configuration.PROP_HOST_ID);
        try {
            System.setProperty(Configuration.PROP_HOST_ID, "rack1-node7");
            Placement a = Placement.here();
            assertTrue(a.sameMachine(Placement.here()), "the same id is the same host");
            assertFalse(a.sameMachine(plain), "an id names another host than hostname and boot id do");
            System.setProperty(Configuration.PROP_HOST_ID, "rack1-node8");
            assertFalse(a.sameMachine(Placement.here()), "another id is another host");
        } finally {
            if (before == null) {
                System.clearProperty(Configuration.PROP_HOST_ID);
            } else {
                System.setProperty(Configuration.PROP_HOST_ID, before);
            }
        }
        assertTrue(plain.sameMachine(Placement.here()), "without an id, hostname and boot id name this host");
    }

    @Test
    void thisProcessRoundTrips() {
        Placement here = Placement.here();
        Placement back = Placement.decode(ByteBuffer.wrap(here.encode()));
        assertFalse(back.oversubscribed(new Placement[] {here}), "a rank alone is never oversubscribed");
        Placement[] crowd = new Placement[(1 << 16) + 1];
        Arrays.fill(crowd, here);
        assertTrue(back.oversubscribed(crowd), "more ranks than any machine has cores");
    }
}
