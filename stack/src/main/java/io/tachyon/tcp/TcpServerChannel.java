package io.tachyon.tcp;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.tachyon.time.Backoff;
import io.tachyon.time.Clock;

/**
 * A listening TCP port for application threads, like {@code java.net.ServerSocket}: connections the stack
 * establishes become {@link TcpChannel}s (with the configuration given at open) and wait in a bounded lock-free queue
 * (of at most the backlog) for {@link #accept()}. When that queue is full a new connection is reset. Open one with
 * {@code Stack.openTcpServerChannel(port, backlog, config)}.
 * <p>
 * Threads: one thread at a time accepts; {@link #close()} and the accessors are safe from any thread.
 */
public final class TcpServerChannel implements AutoCloseable
{
    private final Tcp tcp;
    private final TcpListener listener;
    private final TcpChannelConfig config;
    private final ConcurrentLinkedQueue<TcpChannel> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final int capacity;
    private final Clock waitClock;
    private final int port;

    private volatile boolean closeRequested;
    private volatile boolean released;
    private volatile long dropped;

    TcpServerChannel(final Tcp tcp, final TcpListener listener, final int backlog, final TcpChannelConfig config)
    {
        this.tcp = tcp;
        this.listener = listener;
        this.config = config;
        this.port = listener.port();
        this.capacity = backlog;
        this.waitClock = config.waitClock() != null ? config.waitClock() : tcp.clock;
        listener.acceptHandler(new Acceptor());
    }

    /**
     * The listening port. Any thread.
     *
     * @return the port.
     */
    public int port()
    {
        return port;
    }

    /**
     * Connections reset because the accept queue was full. Any thread.
     *
     * @return the count.
     */
    public long dropped()
    {
        return dropped;
    }

    /**
     * Takes an established connection if one is waiting. The accepting thread.
     *
     * @return the channel, or null.
     * @throws IllegalStateException after close.
     */
    public TcpChannel tryAccept()
    {
        if (closeRequested || released)
        {
            throw new IllegalStateException("accept on the closed TCP server channel of port " + port);
        }
        return take();
    }

    private TcpChannel take()
    {
        final TcpChannel channel = accepted.poll();
        if (channel != null)
        {
            waiting.decrementAndGet();
        }
        return channel;
    }

    /**
     * Takes an established connection, waiting up to the configured timeout.
     *
     * @return the channel.
     * @throws TcpTimeoutException   when none arrived in time.
     * @throws IllegalStateException after close, also while waiting.
     */
    public TcpChannel accept()
    {
        return accept(config.timeoutNs());
    }

    /**
     * Takes an established connection, waiting up to {@code timeoutNs} (by the configured wait clock).
     *
     * @param timeoutNs how long to wait, {@code > 0}.
     * @return the channel.
     * @throws IllegalArgumentException for a timeout that is not positive.
     * @throws TcpTimeoutException      when none arrived in time.
     * @throws IllegalStateException    after close, also while waiting.
     */
    public TcpChannel accept(final long timeoutNs)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs " + timeoutNs + " is not positive");
        }
        final long deadline = waitClock.nanoTime() + timeoutNs;
        int idle = 0;
        TcpChannel channel;
        while ((channel = tryAccept()) == null)
        {
            if (waitClock.nanoTime() - deadline >= 0)
            {
                throw new TcpTimeoutException("accept on port " + port + " got no connection within " + timeoutNs
                    + " ns");
            }
            idle = Backoff.idle(idle);
        }
        return channel;
    }

    /**
     * Stops listening; connections not yet accepted are reset. Any thread. Idempotent.
     */
    @Override
    public void close()
    {
        closeRequested = true;
    }

    /**
     * Whether the stack has closed the listener. Any thread.
     *
     * @return true once released.
     */
    public boolean isReleased()
    {
        return released;
    }

    TcpPollable poller()
    {
        return poller;
    }

    private int poll()
    {
        if (!closeRequested || released)
        {
            return 0;
        }
        listener.close();
        TcpChannel channel;
        while ((channel = take()) != null)
        {
            channel.abortFromStack();
        }
        released = true;
        return 1;
    }

    private final TcpPollable poller = new TcpPollable()
    {
        @Override
        public int poll(final long nowNs)
        {
            return TcpServerChannel.this.poll();
        }

        @Override
        public boolean done()
        {
            return released;
        }

        @Override
        public void stackClosed()
        {
            released = true;
            closeRequested = true;
        }
    };

    @Override
    public String toString()
    {
        return "TcpServerChannel[" + port + (closeRequested ? " closed" : "") + "]";
    }

    /** Turns each established connection into a channel. Stack thread. */
    private final class Acceptor implements TcpAcceptHandler
    {
        @Override
        public void onAccept(final TcpListener from, final TcpSocket socket)
        {
            config.applyTo(socket);
            final TcpChannel channel = new TcpChannel(tcp, socket, config);
            if (closeRequested || waiting.get() >= capacity)
            {
                dropped = dropped + 1;
                channel.abortFromStack();
                return;
            }
            waiting.incrementAndGet();
            accepted.offer(channel);
            tcp.register(channel.poller());
        }
    }
}
