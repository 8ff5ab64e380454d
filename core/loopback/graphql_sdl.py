"""The SDL of the GitHub GraphQL subset the loopback server answers (names and types as GitHub's)."""

SDL = """
scalar DateTime
scalar URI

enum SubscriptionState { UNSUBSCRIBED SUBSCRIBED IGNORED }
enum IssueState { OPEN CLOSED }
enum IssueStateReason { COMPLETED NOT_PLANNED REOPENED DUPLICATE }
enum PullRequestState { OPEN CLOSED MERGED }
enum LockReason { OFF_TOPIC TOO_HEATED RESOLVED SPAM }
enum SearchType { ISSUE ISSUE_ADVANCED REPOSITORY USER DISCUSSION }
enum CommentAuthorAssociation {
  MEMBER OWNER MANNEQUIN COLLABORATOR CONTRIBUTOR FIRST_TIME_CONTRIBUTOR FIRST_TIMER NONE
}

interface Node { id: ID! }
interface Actor { login: String! avatarUrl(size: Int): URI! url: URI! }
interface Subscribable {
  id: ID!
  viewerSubscription: SubscriptionState
  viewerCanSubscribe: Boolean!
}

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type User implements Node & Actor {
  id: ID! databaseId: Int login: String! name: String avatarUrl(size: Int): URI! url: URI!
}

type Label implements Node {
  id: ID! name: String! color: String! description: String isDefault: Boolean! url: URI!
}
type LabelConnection { nodes: [Label] totalCount: Int! pageInfo: PageInfo! }
type UserConnection { nodes: [User] totalCount: Int! pageInfo: PageInfo! }

type IssueComment implements Node {
  id: ID! databaseId: Int body: String! author: Actor authorAssociation: CommentAuthorAssociation!
  createdAt: DateTime! updatedAt: DateTime! url: URI!
}
type IssueCommentConnection { nodes: [IssueComment] totalCount: Int! pageInfo: PageInfo! }

type Issue implements Node & Subscribable {
  id: ID! databaseId: Int number: Int! title: String! body: String! url: URI!
  state: IssueState! stateReason: IssueStateReason
  createdAt: DateTime! updatedAt: DateTime! closedAt: DateTime closed: Boolean!
  locked: Boolean! activeLockReason: LockReason
  authorAssociation: CommentAuthorAssociation! author: Actor
  labels(first: Int, after: String): LabelConnection
  comments(first: Int, after: String, last: Int): IssueCommentConnection!
  assignees(first: Int, after: String): UserConnection!
  viewerSubscription: SubscriptionState viewerCanSubscribe: Boolean!
  repository: Repository!
}

type PullRequest implements Node & Subscribable {
  id: ID! databaseId: Int number: Int! title: String! body: String! url: URI!
  state: PullRequestState!
  createdAt: DateTime! updatedAt: DateTime! closedAt: DateTime closed: Boolean!
  locked: Boolean! activeLockReason: LockReason
  authorAssociation: CommentAuthorAssociation! author: Actor
  labels(first: Int, after: String): LabelConnection
  comments(first: Int, after: String, last: Int): IssueCommentConnection!
  assignees(first: Int, after: String): UserConnection!
  viewerSubscription: SubscriptionState viewerCanSubscribe: Boolean!
  repository: Repository!
}

union SearchResultItem = Issue | PullRequest
union IssueOrPullRequest = Issue | PullRequest
type SearchResultItemEdge { cursor: String! node: SearchResultItem }
type SearchResultItemConnection {
  issueCount: Int! pageInfo: PageInfo! nodes: [SearchResultItem] edges: [SearchResultItemEdge]
}

type Repository implements Node {
  id: ID! name: String! nameWithOwner: String! url: URI!
  issue(number: Int!): Issue
  pullRequest(number: Int!): PullRequest
  issueOrPullRequest(number: Int!): IssueOrPullRequest
  labels(first: Int, after: String): LabelConnection
}

type RateLimit { limit: Int! cost: Int! remaining: Int! resetAt: DateTime! used: Int! nodeCount: Int! }

type Query {
  viewer: User!
  repository(owner: String!, name: String!): Repository
  search(query: String!, type: SearchType!, first: Int, after: String, last: Int, before: String):
    SearchResultItemConnection!
  rateLimit(dryRun: Boolean = false): RateLimit
  node(id: ID!): Node
}

input UpdateSubscriptionInput { subscribableId: ID! state: SubscriptionState! clientMutationId: String }
type UpdateSubscriptionPayload { clientMutationId: String subscribable: Subscribable }
type Mutation { updateSubscription(input: UpdateSubscriptionInput!): UpdateSubscriptionPayload }
"""
