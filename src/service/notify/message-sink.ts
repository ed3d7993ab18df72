import type { FileUpload, PostedMessage } from '../../adapters/slack/slack-web-api.js';
import type { SlackMessage } from '../../core/slack-render/blocks.js';

export type { FileUpload, PostedMessage } from '../../adapters/slack/slack-web-api.js';

/**
 * Where rendered messages go: Slack (rate-limited, retried) or the terminal (console mode, no
 * token). The notifier only knows this interface, so both show the same threads.
 */
export interface MessageSink {
  readonly kind: 'slack' | 'console';
  /** A new message, or a reply when `threadTs` is set. Resolves once it is posted. */
  post(a: {
    readonly channel: string;
    readonly threadTs?: string;
    readonly message: SlackMessage;
    readonly broadcast?: boolean;
    /** Checked before each attempt; false abandons the post. */
    readonly stillWanted?: () => Promise<boolean>;
  }): Promise<PostedMessage>;
  update(a: { readonly channel: string; readonly ts: string; readonly message: SlackMessage }): Promise<void>;
  upload(a: FileUpload): Promise<void>;
  /** Resolves when everything handed to the sink has been sent (or has failed). */
  idle(): Promise<void>;
  close(): Promise<void>;
}
