package org.jccl.transport.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * Lets the socket read straight into a posted receive buffer. While a connection is in the middle
 * of a large payload whose receive is a direct buffer, {@link #allocate} hands Netty's read loop a
 * wrapper around the rest of that buffer instead of a pooled buffer, so the kernel copies the
 * bytes to their final place and user space copies nothing. Otherwise it behaves like Netty's
 * adaptive allocator.
 */
final class PostedReceiveAllocator implements RecvByteBufAllocator {
    /** Where the next read should land, or null for a pooled buffer. */
    interface Target {
        ByteBuf directTarget();
    }

    private final Target target;

    PostedReceiveAllocator(Target target) {
        this.target = target;
    }

    @Override
    public Handle newHandle() {
        return new DirectHandle((ExtendedHandle) new AdaptiveRecvByteBufAllocator().newHandle(), target);
    }

    private static final class DirectHandle implements ExtendedHandle {
        private final ExtendedHandle delegate;
        private final Target target;

        DirectHandle(ExtendedHandle delegate, Target target) {
            this.delegate = delegate;
            this.target = target;
        }

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            ByteBuf b = target.directTarget();
            return b != null ? b : delegate.allocate(alloc);
        }

        @Override
        public int guess() {
            return delegate.guess();
        }

        @Override
        public void reset(ChannelConfig config) {
            delegate.reset(config);
        }

        @Override
        public void incMessagesRead(int numMessages) {
            delegate.incMessagesRead(numMessages);
        }

        @Override
        public void lastBytesRead(int bytes) {
            delegate.lastBytesRead(bytes);
        }

        @Override
        public int lastBytesRead() {
            return delegate.lastBytesRead();
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            delegate.attemptedBytesRead(bytes);
        }

        @Override
        public int attemptedBytesRead() {
            return delegate.attemptedBytesRead();
        }

        @Override
        public boolean continueReading() {
            return delegate.continueReading();
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return delegate.continueReading(maybeMoreDataSupplier);
        }

        @Override
        public void readComplete() {
            delegate.readComplete();
        }
    }
}
