import { AgencyResolver, normalizeAgencyName, splitAgencyList } from '../../src/plan/agencies';
import { directory } from './support/fixtures';

describe('normalizeAgencyName', () => {
  it.each([
    ['UBND tỉnh', 'Ủy ban nhân dân tỉnh'],
    ['Sở TT&TT', 'Sở Thông tin và Truyền thông'],
    ['Sở TTTT', 'Sở Thông tin và Truyền thông'],
    ['Sở VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
    ['Sở KH&ĐT', 'Sở Kế hoạch và Đầu tư'],
    ['Sở LĐTB&XH', 'Sở Lao động - Thương binh và Xã hội'],
    ['Sở Lao động - Thương binh xã hội', 'Sở Lao động - Thương binh và Xã hội'],
    ['Sở GD&ĐT', 'Sở Giáo dục và Đào tạo'],
    ['Sở Văn hoá, Thể thao và Du lịch', 'Sở Văn hóa, Thể thao và Du lịch'],
    ['Bộ Chỉ huy BĐBP tỉnh', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
    ['Bộ Chỉ huy quân sự tỉnh', 'Bộ Chỉ huy Quân sự tỉnh'],
    ['Cổng TTĐT tỉnh', 'Cổng Thông tin điện tử tỉnh'],
    ['Công an tinh', 'Công an tỉnh'],
    ['Sở Công thương', 'Sở Công Thương'],
    ['Các Sở, ban, ngành', 'các Sở, ban, ngành'],
    ['UBND các huyện, thành phố', 'Ủy ban nhân dân các huyện, thành phố'],
    ['các Sở, ban, ngành có liên quan', 'các Sở, ban, ngành'],
    ['  Sở   Tài  chính. ', 'Sở Tài chính'],
    ['Trung tâm X trực thuộc Văn phòng UBND tỉnh', 'Trung tâm X'],
    ['Sở Thông tin và Truyền thông'.normalize('NFD'), 'Sở Thông tin và Truyền thông'],
  ])('%s → %s', (written, canonical) => {
    expect(normalizeAgencyName(written)).toBe(canonical);
  });
});

describe('splitAgencyList', () => {
  it.each([
    [
      'Sở Văn hóa, Thể thao và Du lịch, Sở Kế hoạch và Đầu tư',
      ['Sở Văn hóa, Thể thao và Du lịch', 'Sở Kế hoạch và Đầu tư'],
    ],
    [
      'Sở Lao động - Thương binh và Xã hội; Ban Dân tộc tỉnh',
      ['Sở Lao động - Thương binh và Xã hội', 'Ban Dân tộc tỉnh'],
    ],
    ['Các Sở, ban, ngành, UBND các huyện, thành phố.', ['các Sở, ban, ngành', 'Ủy ban nhân dân các huyện, thành phố']],
    ['Sở Thông tin và Truyền thông và Sở Tài chính', ['Sở Thông tin và Truyền thông', 'Sở Tài chính']],
    [
      'Sở Giáo dục và Đào tạo và các cơ quan, đơn vị có liên quan',
      ['Sở Giáo dục và Đào tạo', 'các cơ quan, đơn vị có liên quan'],
    ],
    [
      'Trung tâm Xúc tiến đầu tư, Hỗ trợ doanh nghiệp và Quản lý Công viên địa chất Đắk Nông, Sở Công Thương',
      ['Trung tâm Xúc tiến đầu tư, Hỗ trợ doanh nghiệp và Quản lý Công viên địa chất Đắk Nông', 'Sở Công Thương'],
    ],
    ['Sở TT&TT; Sở TTTT', ['Sở Thông tin và Truyền thông']],
  ])('%s', (text, names) => {
    expect(splitAgencyList(text)).toEqual(names);
  });
});

describe('AgencyResolver on the Đắk Nông directory', () => {
  const resolver = new AgencyResolver(directory('dak-nong'));

  it.each([
    ['Sở Thông tin và Truyền thông', 'Sở Thông tin và Truyền thông'],
    ['sở thông tin và truyền thông', 'Sở Thông tin và Truyền thông'],
    ['So Thong tin va Truyen thong', 'Sở Thông tin và Truyền thông'],
    ['Sở  TT&TT', 'Sở Thông tin và Truyền thông'],
    ['STTTT', 'Sở Thông tin và Truyền thông'],
    ['Sở VHTTDL', 'Sở Văn hóa, Thể thao và Du lịch'],
    ['Sở KH&ĐT', 'Sở Kế hoạch và Đầu tư'],
    ['Sở LĐTB&XH', 'Sở Lao động - Thương binh và Xã hội'],
    ['Sở GD&ĐT', 'Sở Giáo dục và Đào tạo'],
    ['UBND tỉnh', 'Ủy ban nhân dân tỉnh'],
    ['Ủy ban nhân dân tỉnh Đắk Nông', 'Ủy ban nhân dân tỉnh'],
    ['UBND tinh', 'Ủy ban nhân dân tỉnh'],
    ['BĐBP tỉnh', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
    ['Bộ Chỉ huy Bộ đội Biên phòng', 'Bộ Chỉ huy Bộ đội Biên phòng tỉnh'],
    ['Đài PT-TH Đắk Nông', 'Đài Phát thanh và Truyền hình Đắk Nông'],
    ['Cổng TTĐT tỉnh', 'Cổng Thông tin điện tử tỉnh'],
    ['UBND huyện Đắk Mil', 'Ủy ban nhân dân huyện Đắk Mil'],
  ])('resolves %s to the agency %s', (written, name) => {
    expect(resolver.resolve(written).agency?.name).toBe(name);
  });

  it.each([
    ['các Sở, ban, ngành', 'các Sở, ban, ngành'],
    ['Các sở, ban, ngành thuộc UBND tỉnh', 'các Sở, ban, ngành'],
    ['UBND các huyện, thành phố', 'Ủy ban nhân dân các huyện, thành phố'],
    ['Ủy ban nhân dân huyện, thành phố', 'Ủy ban nhân dân các huyện, thành phố'],
    ['các cơ quan báo chí của tỉnh', 'các cơ quan báo chí'],
    ['các đơn vị LLVT trên địa bàn tỉnh', 'các đơn vị lực lượng vũ trang'],
  ])('resolves %s to the group %s with its members', (written, group) => {
    const resolution = resolver.resolve(written);
    expect(resolution.group).toBe(group);
    expect(resolution.members?.length).toBeGreaterThan(0);
  });

  it('lists the eight districts as members of "UBND các huyện, thành phố"', () => {
    const members = resolver.resolve('UBND các huyện, thành phố').members?.map((a) => a.name);
    expect(members).toHaveLength(8);
    expect(members).toContain('Ủy ban nhân dân thành phố Gia Nghĩa');
  });

  it('expands groups to members, drops duplicates and keeps the order', () => {
    const names = resolver.expand([
      'Sở Công Thương',
      'các đơn vị lực lượng vũ trang',
      'Công an tỉnh',
      'Sở Công thương',
    ]);
    expect(names).toEqual([
      'Sở Công Thương',
      'Công an tỉnh',
      'Bộ Chỉ huy Quân sự tỉnh',
      'Bộ Chỉ huy Bộ đội Biên phòng tỉnh',
    ]);
  });

  it('expands a group that includes other groups', () => {
    const all = resolver.expand(['các cơ quan, đơn vị, địa phương']);
    expect(all).toContain('Ủy ban nhân dân huyện Tuy Đức');
    expect(all).toContain('Báo Đắk Nông');
    expect(all).toContain('Sở Tài chính');
  });

  it('suggests close names for an unknown agency and nothing for the known ones', () => {
    expect(resolver.resolve('Sở Thong tin Truyen thong').agency).toBeUndefined();
    expect(resolver.resolve('Sở Thong tin Truyen thong').suggestions).toContain('Sở Thông tin và Truyền thông');
    expect(resolver.resolve('Sở Tài chánh').suggestions[0]).toBe('Sở Tài chính');
    expect(resolver.resolve('Sở Tài chính').suggestions).toEqual([]);
  });

  it('matches former names after a reorganisation', () => {
    const dir = directory('dak-nong');
    const renamed = {
      ...dir,
      agencies: dir.agencies.map((a) =>
        a.name === 'Sở Thông tin và Truyền thông'
          ? { ...a, name: 'Sở Khoa học và Công nghệ', formerNames: [a.name] }
          : a,
      ),
    };
    expect(new AgencyResolver(renamed).resolve('Sở TT&TT').agency?.name).toBe('Sở Khoa học và Công nghệ');
  });
});
