from .model import QueueModel, SORTS, age
from .table import IssueTable

__all__ = ["QueueModel", "SORTS", "age", "IssueTable"]
