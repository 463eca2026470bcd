package org.jccl.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlockLayoutTest {
    @Test
    void evenSplitsKeepWholeElementsAndDifferByAtMostOne() {
        BlockLayout b = BlockLayout.even(7 * 4, 4, 3);
        assertEquals(12, b.length(0));
        assertEquals(8, b.length(1));
        assertEquals(8, b.length(2));
        assertEquals(12, b.offset(1));
        assertEquals(28, b.total());
        BlockLayout tiny = BlockLayout.even(2 * 8, 8, 5);
        assertEquals(8, tiny.length(1));
        assertEquals(0, tiny.length(2));
        assertEquals(16, tiny.offset(4));
    }
}
