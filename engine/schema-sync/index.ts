export { applyInTransaction, applyPackage, planPackage, validated, currentMetadata, upgradePlatformLevel, packageChecksum, metadataProblems, META_CHANNEL, type AppliedMetadata, type ApplyOptions, type ApplyResult } from './apply.ts';
export { stepActions, type SqlAction, type SqlContext } from './sql.ts';
export { applyContributions, packageWithContributions } from './contributions.ts';
export { buildOnlineIndexes, buildsIndexesOnline, type OnlineIndexBuild } from './online-indexes.ts';
