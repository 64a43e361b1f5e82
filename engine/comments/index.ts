// Comments on records and the record stream (comments + change history).
export { RecordStreams, parseCommentInput, COMMENT_MAX_LENGTH, STREAM_MAX_LIMIT, type StreamItem, type StreamComment, type StreamChange, type CommentPerson } from './stream.ts';
