package org.jccl.transport.ucx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jccl.spi.Transport;
import org.junit.jupiter.api.Test;

class UcxTagsTest {
    private static final long HIGHEST_SPI_TAG = (1L << Transport.TAG_BITS) - 1;

    @Test
    void theSenderReadsBackOnEitherLaneUpToTheLastRank() {
        for (int sender : new int[] {0, 1, 4095, UcxTags.MAX_RANKS - 1}) {
            for (boolean lane : new boolean[] {false, true}) {
                assertEquals(sender, UcxTags.sender(UcxTags.data(sender, HIGHEST_SPI_TAG, lane)));
                assertEquals(sender, UcxTags.sender(UcxTags.data(sender, 0, lane)));
            }
        }
    }

    @Test
    void theLanesOfOneMessageNeverShareATag() {
        assertNotEquals(UcxTags.data(3, 42, false), UcxTags.data(3, 42, true));
        assertTrue(UcxTags.singleCopy(UcxTags.data(UcxTags.MAX_RANKS - 1, HIGHEST_SPI_TAG, true)));
        assertFalse(UcxTags.singleCopy(UcxTags.data(UcxTags.MAX_RANKS - 1, HIGHEST_SPI_TAG, false)));
        assertNotEquals(UcxTags.data(UcxTags.MAX_RANKS - 1, HIGHEST_SPI_TAG, false),
                UcxTags.data(UcxTags.MAX_RANKS - 1, HIGHEST_SPI_TAG, true));
    }

    @Test
    void theSpiTagKeepsOnlyItsBits() {
        assertEquals(UcxTags.data(1, 5, false), UcxTags.data(1, 5 | (1L << Transport.TAG_BITS), false));
    }
}
