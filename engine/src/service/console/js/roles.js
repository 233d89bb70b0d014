// The views that each user role opens in the console.

// The view names for `roles`, in tab order: the agent desk for agents, the
// alert desk for intervention teams (team:ROUTE), supervisors and admins,
// and the supervisor view for supervisors and admins.
export function viewsForRoles(roles) {
  const has = (role) => roles.includes(role);
  const oversees = has('supervisor') || has('admin');
  const names = [];
  if (has('agent')) names.push('desk');
  if (oversees || roles.some((role) => role.startsWith('team:'))) names.push('alerts');
  if (oversees) names.push('supervisor');
  return names;
}
